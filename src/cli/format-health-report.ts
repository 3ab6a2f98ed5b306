import { styleText } from 'node:util';
import type { HealthReport, HealthResult } from '../stack/health.js';

type Style = Parameters<typeof styleText>[0];

export interface FormatOptions {
  /** Colour the status column (green ok, red failed, yellow skipped). */
  color: boolean;
  /** Cut the error column to this many characters. @default 80 */
  maxErrorLength?: number;
}

const HEADERS = ['MODALITY', 'PROVIDER', 'MODEL', 'STATUS', 'LATENCY', 'ERROR'] as const;
const STATUS: Record<HealthResult['status'], { text: string; style: Style }> = {
  ok: { text: '✓ ok', style: 'green' },
  failed: { text: '✗ failed', style: 'red' },
  skipped: { text: '- skipped', style: 'yellow' },
};

/**
 * The doctor's table: one row per option, in chain order, then one line per slot and the verdict.
 *
 * ```
 * MODALITY  PROVIDER   MODEL         STATUS    LATENCY  ERROR
 * llm       openai     gpt-4.1-mini  ✓ ok        182 ms
 * llm       llama-cpp  local         ✗ failed      3 ms  HTTP 503: Loading model
 * ```
 */
export function formatHealthReport(report: HealthReport, options: FormatOptions): string {
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const max = options.maxErrorLength ?? 80;
  const rows = report.results.map((result) => ({
    cells: [
      result.modality,
      result.provider,
      result.model,
      STATUS[result.status].text,
      result.latencyMs === undefined ? '-' : `${Math.round(result.latencyMs)} ms`,
      cut(result.error ?? '', max),
    ],
    style: STATUS[result.status].style,
  }));
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row.cells[column]!.length)));
  const line = (cells: readonly string[], style?: Style) =>
    cells
      .map((cell, column) => {
        // Latency is right-aligned so that the digits line up.
        const padded = column === 4 ? cell.padStart(widths[column]!) : column === cells.length - 1 ? cell : cell.padEnd(widths[column]!);
        return style && column === 3 ? paint(style, padded) : padded;
      })
      .join('  ')
      .trimEnd();

  const out = [paint('bold', line(HEADERS)), ...rows.map((row) => line(row.cells, row.style)), ''];
  for (const [modality, slot] of Object.entries(report.slots)) {
    const own = report.results.filter((result) => result.modality === modality);
    const healthy = own.filter((result) => result.ok).length;
    const skipped = own.filter((result) => result.status === 'skipped').length;
    const detail = `${healthy}/${own.length} healthy${skipped ? `, ${skipped} not probed` : ''}`;
    const mark = slot === 'ok' ? paint('green', '✓') : slot === 'failed' ? paint('red', '✗') : paint('yellow', '?');
    out.push(`${mark} ${modality}: ${detail}`);
  }
  out.push(
    report.ok
      ? paint('green', 'Every slot has an option that answered (or could not be probed).')
      : paint(
          'red',
          `Failed: ${failedSlots(report)} ${Object.values(report.slots).filter((slot) => slot === 'failed').length > 1 ? 'have' : 'has'} no working option.`,
        ),
  );
  return out.join('\n');
}

/** "llm", "stt and llm", "stt, llm and tts". */
function failedSlots(report: HealthReport): string {
  const names = Object.entries(report.slots).flatMap(([modality, slot]) => (slot === 'failed' ? [modality] : []));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
