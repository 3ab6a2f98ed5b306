/**
 * The dashboard's one page: plain HTML, CSS and a small script, no build step. It polls `GET /api/state` every second
 * and writes with the token from its URL's `#token=` fragment (or typed in). Every value is set with `textContent`.
 */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>livekit-voice-stack · fleet</title>
<style>
  :root { --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #6b7385; --line: #e3e6ec; --ok: #1a7f4b; --warn: #b36200; --bad: #b3261e; --accent: #2f5bd3; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
  header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px; background: var(--ink); color: #fff; }
  header h1 { font-size: 16px; margin: 0; font-weight: 600; }
  header .meta { color: #b9c0cf; font-size: 12px; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; padding: 16px 24px 32px; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 10px; }
  .big { font-size: 26px; font-weight: 650; }
  .muted { color: var(--muted); font-size: 12px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { color: var(--muted); font-weight: 500; font-size: 12px; }
  .pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #eef1f6; }
  .cooling { background: #fff1dc; color: var(--warn); } .demoted, .failed { background: #fde7e5; color: var(--bad); } .ok { background: #e3f4ea; color: var(--ok); }
  form { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 10px; align-items: center; }
  input { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; min-width: 0; }
  input[type=number] { width: 80px; }
  button { font: inherit; padding: 5px 12px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
  button.secondary { background: #eef1f6; color: var(--ink); }
  #message { min-height: 1.4em; }
  #message.error { color: var(--bad); } #message.done { color: var(--ok); }
  .empty { color: var(--muted); font-style: italic; }
</style>
</head>
<body>
<header><h1>livekit-voice-stack · fleet</h1><span class="meta" id="store"></span><span class="meta" id="updated"></span></header>
<main>
  <section>
    <h2>Mode</h2>
    <div class="big" id="mode">–</div>
    <div class="muted" id="mode-meta"></div>
    <form id="mode-form"><input id="mode-input" name="mode" placeholder="mode name" list="known-modes" required><button type="submit">Set mode</button></form>
  </section>
  <section>
    <h2>Rollout</h2>
    <table><thead><tr><th>mode</th><th>share of new calls</th></tr></thead><tbody id="rollout"></tbody></table>
    <form id="rollout-form"><input id="rollout-mode" name="mode" placeholder="mode" list="known-modes" required><input id="rollout-percent" name="percent" type="number" min="0" max="100" step="1" placeholder="%" required><button type="submit">Set rollout</button></form>
  </section>
  <section>
    <h2>Active calls</h2>
    <table><thead><tr><th>mode</th><th>calls</th></tr></thead><tbody id="calls"></tbody></table>
  </section>
  <section class="wide" id="modes-compared">
    <h2>Modes compared</h2>
    <div class="muted" id="metrics-meta"></div>
    <table><thead><tr><th>mode</th><th>calls</th><th>turns</th><th>fallback</th><th>apology</th><th>errors/turn</th><th>LLM TTFT p50/p95</th><th>TTS first audio p50/p95</th><th>end to end p50/p95</th><th>STT p50/p95</th><th>EOU p50/p95</th></tr></thead><tbody id="modes"></tbody></table>
    <ul id="verdicts"></ul>
    <h2>Per option</h2>
    <table><thead><tr><th>mode</th><th>option</th><th>slot</th><th>turns</th><th>own p50/p95</th><th>end to end p50/p95</th><th>fallbacks from it</th><th>errors</th></tr></thead><tbody id="option-rows"></tbody></table>
  </section>
  <section class="wide">
    <h2>Options cooling or demoted</h2>
    <table><thead><tr><th>option</th><th>state</th><th>reason</th><th>status</th><th>time left</th></tr></thead><tbody id="options"></tbody></table>
  </section>
  <section class="wide">
    <h2>Last fallbacks and apologies</h2>
    <table><thead><tr><th>when</th><th>what</th><th>from</th><th>to</th><th>why</th></tr></thead><tbody id="log"></tbody></table>
  </section>
  <section class="wide">
    <h2>Health</h2>
    <button class="secondary" id="health-button" type="button">Check health</button>
    <table><thead><tr><th>slot</th><th>option</th><th>result</th><th>latency</th><th>error</th></tr></thead><tbody id="health"></tbody></table>
  </section>
  <section class="wide">
    <h2>Token</h2>
    <form id="token-form"><input id="token-input" type="password" placeholder="token (printed when the dashboard started)" size="40"><button class="secondary" type="submit">Use token</button></form>
    <div id="message"></div>
  </section>
</main>
<datalist id="known-modes"></datalist>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const metricsQuery = location.search; // ?since=1h&minTurns=50 passes on to /api/metrics
  let token = new URLSearchParams(location.hash.slice(1)).get('token') || sessionStorage.getItem('dashboard-token') || '';
  if (token) sessionStorage.setItem('dashboard-token', token);
  history.replaceState(null, '', location.pathname + location.search);
  const cell = (text, className) => { const td = document.createElement('td'); td.textContent = text; if (className) td.className = className; return td; };
  const pill = (text, kind) => { const td = document.createElement('td'); const span = document.createElement('span'); span.className = 'pill ' + (kind || ''); span.textContent = text; td.appendChild(span); return td; };
  const fill = (body, rows, empty, columns) => {
    body.replaceChildren(...(rows.length ? rows : [(() => { const tr = document.createElement('tr'); const td = cell(empty, 'empty'); td.colSpan = columns; tr.appendChild(td); return tr; })()]));
  };
  const row = (...cells) => { const tr = document.createElement('tr'); tr.append(...cells); return tr; };
  const ago = (at, now) => { const s = Math.max(0, Math.round((now - at) / 1000)); return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : new Date(at).toLocaleTimeString(); };
  const left = (ms) => { const s = Math.max(0, Math.ceil(ms / 1000)); return s < 120 ? s + ' s' : Math.ceil(s / 60) + ' min'; };
  const say = (text, kind) => { const m = $('message'); m.textContent = text; m.className = kind; };

  function render(state) {
    $('store').textContent = 'store: ' + state.store;
    $('updated').textContent = 'updated ' + new Date(state.now).toLocaleTimeString();
    $('mode').textContent = state.mode ? state.mode.mode : state.configuredMode || 'not set';
    $('mode-meta').textContent = state.mode ? 'set ' + ago(state.mode.at, state.now) + (state.mode.by ? ' by ' + state.mode.by : '') : state.configuredMode ? 'not set: new calls get ' + state.configuredMode + ', the controllers’ mode option' : 'not set: new calls get each controller’s mode option (none has started with this store)';
    const percent = (state.rollout && state.rollout.percent) || {};
    fill($('rollout'), Object.entries(percent).map(([mode, p]) => row(cell(mode), cell(p + ' %'))), 'no rollout: every new call gets the mode', 2);
    fill($('calls'), Object.entries(state.activeCalls).map(([mode, n]) => row(cell(mode), cell(String(n)))), 'no active call', 2);
    fill($('options'), state.options.map((o) => row(cell(o.label + (o.modality ? ' (' + o.modality + ')' : '')), pill((o.states || [o.state]).join(' + '), o.state), cell(o.reason), cell(o.status ? String(o.status) : '–'), cell(left(o.until - state.now)))), 'every option is available', 5);
    fill($('log'), state.log.map((e) => row(cell(ago(e.at, state.now)), pill(e.kind, e.kind === 'apology' ? 'demoted' : e.kind.endsWith('fallback') ? 'cooling' : ''), cell(e.from || '–'), cell(e.to || '–'), cell(e.reason || ''))), 'nothing yet', 5);
    const known = new Set([...(state.known || []), state.mode && state.mode.mode, ...Object.keys(percent), ...Object.keys(state.activeCalls)].filter(Boolean));
    $('known-modes').replaceChildren(...[...known].map((mode) => { const o = document.createElement('option'); o.value = mode; return o; }));
  }

  const ms = (l) => l ? Math.round(l.p50) + ' / ' + Math.round(l.p95) + ' ms' : '–';
  const pct = (r) => Math.round(r * 1000) / 10 + ' %';
  function renderMetrics(report) {
    $('metrics-meta').textContent = 'last ' + Math.round((report.to - report.from) / 60000) + ' min, ' + (report.windowMs / 60000) + '-minute windows; percentiles within ' + Math.round(report.percentileError * 1000) / 10 + ' %';
    fill($('modes'), Object.entries(report.modes).map(([mode, m]) => row(cell(mode), cell(String(m.calls)), cell(String(m.turns)), cell(pct(m.rates.fallback)), cell(pct(m.rates.apology)), cell(String(m.rates.error)), cell(ms(m.latency.llmTtftMs)), cell(ms(m.latency.ttsTtfbMs)), cell(ms(m.latency.endToEndMs)), cell(ms(m.latency.sttDurationMs)), cell(ms(m.latency.endOfUtteranceDelayMs)))), 'no turns recorded yet', 11);
    const verdicts = report.verdicts.map((v) => { const li = document.createElement('li'); li.textContent = v.summary; li.className = v.status === 'ready' ? 'verdict' : 'verdict empty'; return li; });
    $('verdicts').replaceChildren(...(verdicts.length ? verdicts : [(() => { const li = document.createElement('li'); li.className = 'empty'; li.textContent = 'one mode or none: nothing to compare yet'; return li; })()]));
    const own = { stt: 'sttDurationMs', llm: 'llmTtftMs', tts: 'ttsTtfbMs' };
    const rows = [];
    for (const [mode, options] of Object.entries(report.options)) for (const o of Object.values(options)) rows.push(row(cell(mode), cell(o.label), cell(o.modality), cell(String(o.turns)), cell(ms(o.latency[own[o.modality]])), cell(ms(o.latency.endToEndMs)), cell(String(o.fallbacks)), cell(Object.entries(o.errorsByCategory).map(([c, n]) => c + ' ' + n).join(', ') || '0')));
    fill($('option-rows'), rows, 'no option has served a turn yet', 8);
  }
  let metricsAt = 0;
  async function refreshMetrics() {
    if (Date.now() - metricsAt < 5000) return;
    metricsAt = Date.now();
    try { const response = await fetch('/api/metrics' + metricsQuery, { cache: 'no-store' }); if (response.ok) renderMetrics(await response.json()); } catch { /* the state poll reports it */ }
  }

  async function refresh() {
    void refreshMetrics();
    try { const response = await fetch('/api/state', { cache: 'no-store' }); if (response.ok) render(await response.json()); } catch { $('updated').textContent = 'dashboard unreachable'; }
  }

  async function write(path, body) {
    if (!token) { say('Failed to change the fleet: no token. Fix: paste the token printed when the dashboard started.', 'error'); return; }
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) { say(answer.error || ('Failed: HTTP ' + response.status), 'error'); return; }
    render(answer);
    say(path === '/api/mode' ? 'Mode set to ' + body.mode + ' for new calls.' : 'Rollout of ' + body.mode + ' set to ' + body.percent + ' %.', 'done');
  }

  $('mode-form').addEventListener('submit', (event) => { event.preventDefault(); void write('/api/mode', { mode: $('mode-input').value.trim() }); });
  $('rollout-form').addEventListener('submit', (event) => { event.preventDefault(); void write('/api/rollout', { mode: $('rollout-mode').value.trim(), percent: Number($('rollout-percent').value) }); });
  $('token-form').addEventListener('submit', (event) => { event.preventDefault(); token = $('token-input').value.trim(); sessionStorage.setItem('dashboard-token', token); say(token ? 'Token set.' : 'Token cleared.', 'done'); });
  $('health-button').addEventListener('click', async () => {
    $('health-button').disabled = true;
    fill($('health'), [], 'probing…', 5);
    try {
      if (!token) { fill($('health'), [], 'Failed to probe the providers: no token. Fix: paste the token printed when the dashboard started.', 5); return; }
      const response = await fetch('/api/health', { headers: { authorization: 'Bearer ' + token } });
      const report = await response.json();
      if (!response.ok) { fill($('health'), [], report.error || 'failed', 5); return; }
      fill($('health'), report.results.map((r) => row(cell(r.modality), cell(r.provider + '/' + r.model), pill(r.status, r.status === 'ok' ? 'ok' : r.status === 'failed' ? 'failed' : ''), cell(r.latencyMs === undefined ? '–' : Math.round(r.latencyMs) + ' ms'), cell(r.error || ''))), 'nothing configured', 5);
    } finally { $('health-button').disabled = false; }
  });
  void refresh();
  setInterval(refresh, 1000);
})();
</script>
</body>
</html>
`;
