import { MAX_SINCE_MS } from '../stack/fleet-metrics-layout.js';
import { describeDifference, type FleetLatency, type FleetMetricsReport, readFleetMetrics } from '../stack/fleet-metrics-report.js';
import type { LatencyName } from '../stack/metrics-summary.js';
import { openStore } from './open-store.js';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface MetricsCommandOptions {
  redis: string | undefined;
  since: string | undefined;
  minTurns: string | undefined;
  json: boolean;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15m` → 900000; `undefined` for anything that is not a duration from 1 s to 48 h. */
export function parseSince(text: string): number | undefined {
  const match = /^\s*(\d{1,6}(?:\.\d{1,3})?)\s*(s|m|min|h|d)\s*$/i.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2]!.toLowerCase().slice(0, 1)]!;
  return ms >= 1_000 && ms <= MAX_SINCE_MS ? ms : undefined;
}

/** `livekit-voice-stack metrics [--redis URL] [--since 15m] [--min-turns 30] [--json]`; returns the exit code. */
export async function metricsCommand(options: MetricsCommandOptions, io: Io): Promise<number> {
  const sinceMs = options.since === undefined ? 15 * 60_000 : parseSince(options.since);
  if (sinceMs === undefined) {
    io.stderr.write(
      `livekit-voice-stack: Failed to read --since: "${options.since}" is not a duration from 1s to 48h. Fix: e.g. --since 15m, --since 2h.\n`,
    );
    return 2;
  }
  const minTurns = options.minTurns === undefined ? 30 : Number(options.minTurns);
  if (!Number.isInteger(minTurns) || minTurns < 1 || minTurns > 1_000_000) {
    io.stderr.write(
      `livekit-voice-stack: Failed to read --min-turns: "${options.minTurns}" is not a whole number from 1. Fix: e.g. --min-turns 30.\n`,
    );
    return 2;
  }
  const store = await openStore(options.redis);
  try {
    const report = await readFleetMetrics(store, { sinceMs, minTurns });
    io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatFleetMetrics(report)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(
      `livekit-voice-stack: Failed to read the fleet metrics from the ${store.kind} store: ${(error as Error)?.message ?? error}. Fix: check that it is reachable (livekit-voice-stack doctor).\n`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

const COLUMNS: Array<[LatencyName, string]> = [
  ['sttDurationMs', 'STT'],
  ['endOfUtteranceDelayMs', 'EOU'],
  ['llmTtftMs', 'LLM TTFT'],
  ['ttsTtfbMs', 'TTS TTFA'],
  ['endToEndMs', 'end to end'],
];

const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;
const p50p95 = (latency: FleetLatency | undefined) => (latency ? `${Math.round(latency.p50)}/${Math.round(latency.p95)}` : '–');

/** The report as tables: modes, then options, then the verdicts. */
export function formatFleetMetrics(report: FleetMetricsReport): string {
  const minutes = Math.round((report.to - report.from) / 60_000);
  const lines = [
    `Fleet metrics, last ${minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`} (${report.store} store, ${report.windowMs / 60_000}-minute windows; p50/p95 in ms, within ${Math.round(report.percentileError * 1000) / 10} %)`,
    '',
  ];
  const modes = Object.entries(report.modes);
  if (modes.length === 0) {
    lines.push('No turns recorded in this period. Stacks record them in the store they are given (the machine store by default).');
    return lines.join('\n');
  }
  const header = ['mode', 'calls', 'turns', 'fallback', 'apology', 'errors/turn', ...COLUMNS.map(([, name]) => `${name} p50/p95`)];
  lines.push(
    ...table([
      header,
      ...modes.map(([mode, figures]) => [
        mode,
        String(figures.calls),
        String(figures.turns),
        percent(figures.rates.fallback),
        percent(figures.rates.apology),
        String(figures.rates.error),
        ...COLUMNS.map(([name]) => p50p95(figures.latency[name])),
      ]),
    ]),
  );
  lines.push('', 'Per option:');
  const rows = [['mode', 'option', 'slot', 'turns', 'own p50/p95', 'end to end p50/p95', 'fallbacks from it', 'errors']];
  for (const [mode, options] of Object.entries(report.options)) {
    for (const option of Object.values(options)) {
      const own = option.modality === 'stt' ? 'sttDurationMs' : option.modality === 'llm' ? 'llmTtftMs' : 'ttsTtfbMs';
      rows.push([
        mode,
        option.label,
        option.modality,
        String(option.turns),
        p50p95(option.latency[own]),
        p50p95(option.latency.endToEndMs),
        String(option.fallbacks),
        Object.entries(option.errorsByCategory)
          .map(([category, count]) => `${category} ${count}`)
          .join(', ') || '0',
      ]);
    }
  }
  lines.push(...table(rows));
  lines.push('', 'Verdict (95 % intervals):');
  if (report.verdicts.length === 0) lines.push('  one mode only: nothing to compare');
  for (const verdict of report.verdicts) {
    lines.push(`  ${verdict.summary}`);
    if (verdict.status === 'ready')
      for (const item of verdict.differences) lines.push(`    ${item.finding === 'unclear' ? ' ' : '*'} ${describeDifference(item)}`);
  }
  return lines.join('\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}
