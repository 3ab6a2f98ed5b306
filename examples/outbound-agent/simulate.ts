/**
 * A whole outbound call, simulated in text mode with no keys and no LiveKit server: the agent's providers are the
 * library's own local mocks (OpenRouter with two models, a llama.cpp last resort), and a scripted outage shows the
 * chain at work: a rate limit, the fall to llama.cpp, a full outage (holding phrase, apology), then recovery.
 */
import { voice } from '@livekit/agents';
import { setupServer } from 'msw/node';
import { createMemoryStore, createVoiceStack, type MetricsSummary, voiceStackConfigFromEnv, type VoiceStack } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, startTextSession } from 'livekit-voice-stack/testing';
import { GREETING, INSTRUCTIONS } from './call-script.js';

const PRIMARY = 'meta-llama/llama-3.3-70b-instruct:free';
const SECONDARY = 'qwen/qwen-2.5-72b-instruct:free';

/** One line of the simulated call's transcript. */
export interface TranscriptLine {
  role: 'agent' | 'callee' | 'event';
  text: string;
  /** `provider/model` of the option that answered (agent lines). */
  servedBy?: string;
  ttftMs?: number;
  turnMs?: number;
}

export interface SimulationResult {
  lines: TranscriptLine[];
  metrics: MetricsSummary;
}

/** Plays the call, prints the transcript and the metrics summary, and returns them (for the smoke test). */
export async function simulateCall({ print = true }: { print?: boolean } = {}): Promise<SimulationResult> {
  const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1' });
  const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', llamaCpp: true });
  const server = setupServer(...openrouter.handlers, ...llama.handlers);
  server.listen({ onUnhandledFrame: localOnly });

  // The same variables a deployed agent reads, pointing at the mocks.
  const env = { LLM_MODEL: `${PRIMARY},${SECONDARY}`, OPENROUTER_API_KEY: 'simulated-key', LOCAL_LLM_BASE_URL: 'http://localhost:8080/v1' };
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const stack = await createVoiceStack(
    {
      ...voiceStackConfigFromEnv(env),
      retry: { windowMs: 2_500, initialDelayMs: 200, maxDelayMs: 800 },
      verbal: {
        holding: 'One moment, please.',
        apology: "Sorry, I'm having trouble right now. Could you say that again in a moment?",
        holdingAfterMs: 800,
      },
    },
    // The providers are mocks of this process: so is the state (the default machine store would keep this run's
    // cooldowns for the next run). A deployed agent leaves `store` out (or gives its fleet's Redis).
    { env, logger: quiet, store: createMemoryStore() },
  );
  const lines: TranscriptLine[] = [];
  const say = (line: TranscriptLine) => {
    lines.push(line);
    if (print) console.log(formatLine(line));
  };
  const onEvent = (text: string) => say({ role: 'event', text });
  // One line per distinct switch in a turn: an outage that lasts several passes repeats the same switches.
  const switches = new Set<string>();
  stack.on('fallback', ({ from, to, error }) => {
    const line = `fallback ${from} → ${to} (${error.category}${error.statusCode ? ` ${error.statusCode}` : ''})`;
    if (!switches.has(line)) onEvent(line);
    switches.add(line);
  });
  stack.on(
    'retry',
    ({ attempt, delayMs }) => attempt === 1 && onEvent(`no option answered this pass: waiting ${Math.round(delayMs)} ms before the next`),
  );
  stack.on('holding', ({ reason }) => onEvent(`holding phrase (${reason})`));
  stack.on('exhausted', ({ errors }) => onEvent(`every option failed (${errors.length} attempts): apology`));
  stack.on('recovered', ({ provider, model }) => onEvent(`recovered: ${provider}/${model}`));

  if (print) console.log(`Simulated outbound call (no keys, local mocks). Providers: ${describe(stack)}\n`);
  const call = await startTextSession(stack, { instructions: INSTRUCTIONS });
  const served = servedByTracker(call.session);
  await call.session.say(GREETING).waitForPlayout();
  say({ role: 'agent', text: GREETING });

  const turn = async (callee: string) => {
    say({ role: 'callee', text: callee });
    served.reset();
    switches.clear();
    const started = performance.now();
    const { text } = await call.ask(callee);
    say({ role: 'agent', text, ...served.last(), turnMs: Math.round(performance.now() - started) });
  };

  let ended = false;
  try {
    openrouter.use({ model: PRIMARY, reply: "Great, you're all set for tomorrow at 10am. Is there anything else?", times: 1 });
    await turn("Oh, hi! Yes, that's right.");

    onEvent(`outage: OpenRouter rate-limits both models (429, Retry-After: 1)`);
    openrouter.use({ status: 429, retryAfter: 1, times: 2 });
    llama.use({ reply: 'Of course. I can move it to 2pm tomorrow, or Thursday morning. Which do you prefer?', times: 1 });
    await turn('Actually, could we make it a bit later?');

    onEvent('outage: every provider fails (OpenRouter 500, llama.cpp 503 while loading)');
    openrouter.use({ status: 500 });
    llama.use({ status: 503, message: 'Loading model' });
    await turn('2pm would be perfect.');

    onEvent('providers recover');
    openrouter.reset();
    llama.reset();
    await sleep(1_000); // let the 429 cooldowns end
    openrouter.use({ model: PRIMARY, reply: '2pm tomorrow it is. See you then, goodbye!', times: 1 });
    await turn('I said: 2pm works for me.');

    ended = true;
    await call.close(); // the call ends: its last turn's metrics are flushed
    const metrics = stack.metrics();
    if (print) console.log(`\n${formatMetrics(metrics)}`);
    return { lines, metrics };
  } finally {
    if (!ended) await call.close();
    await stack.close();
    server.close();
  }
}

/** Which option served the last LLM turn, from the metrics LiveKit collects (the chain forwards its children's). */
function servedByTracker(session: voice.AgentSession) {
  let last: { servedBy: string; ttftMs: number } | undefined;
  session.on(voice.AgentSessionEventTypes.MetricsCollected, ({ metrics }) => {
    if (metrics.type === 'llm_metrics' && metrics.ttftMs >= 0) {
      const host = metrics.metadata?.modelProvider ?? 'unknown';
      const provider = host.includes('openrouter') ? 'openrouter' : host.startsWith('localhost') ? 'llama-cpp' : host;
      last = { servedBy: `${provider}/${metrics.metadata?.modelName ?? 'unknown'}`, ttftMs: metrics.ttftMs };
    }
  });
  return { reset: () => void (last = undefined), last: () => last ?? {} };
}

function formatLine(line: TranscriptLine): string {
  if (line.role === 'event') return `         -- ${line.text}`;
  const figures = [
    line.servedBy,
    line.ttftMs !== undefined && `TTFT ${line.ttftMs} ms`,
    line.turnMs !== undefined && `turn ${line.turnMs} ms`,
  ].filter(Boolean);
  return `${line.role.padStart(7)}: ${line.text}${figures.length ? `\n         [${figures.join(' · ')}]` : ''}`;
}

function formatMetrics(summary: MetricsSummary): string {
  const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)} ms`);
  const rows = Object.entries(summary.options).map(
    ([label, option]) =>
      `  ${label.padEnd(52)} ${String(option.turns).padStart(5)}  ${ms(option.latency.llmTtftMs?.p50).padStart(8)}  ${ms(option.latency.llmTtftMs?.p95).padStart(8)}`,
  );
  return [
    `Metrics summary: ${summary.turns} turns, ${summary.fallbacks} fallbacks, ${summary.holds} holding phrase, ${summary.apologies} apology`,
    `  ${'option'.padEnd(52)} ${'turns'.padStart(5)}  ${'TTFT p50'.padStart(8)}  ${'TTFT p95'.padStart(8)}`,
    ...rows,
  ].join('\n');
}

function describe(stack: VoiceStack): string {
  return stack.options.llm.map((option) => option.label).join(' → ');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
