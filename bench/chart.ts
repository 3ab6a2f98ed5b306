/** One horizontal bar group: a contender and its figures (one bar per series). */
export interface ChartRow {
  label: string;
  values: (number | null)[];
}

export interface ChartPanel {
  title: string;
  rows: ChartRow[];
}

export interface ChartSpec {
  title: string;
  subtitle: string;
  /** Names of the bars of each row, e.g. ["median", "p99"]. */
  series: string[];
  panels: ChartPanel[];
}

const WIDTH = 860;
const LABEL_WIDTH = 300;
const VALUE_ROOM = 90;
const BAR = 11;
const ROW_GAP = 8;
const COLORS = ['#2563eb', '#93c5fd', '#f59e0b', '#10b981'];

/** Grouped horizontal bar chart, one linear scale per panel, written as an SVG string (no dependency). */
export function renderChart(spec: ChartSpec): string {
  const parts: string[] = [];
  let y = 56;
  for (const panel of spec.panels) {
    const max = Math.max(
      1e-9,
      ...panel.rows.flatMap((row) => row.values.filter((value): value is number => value !== null && Number.isFinite(value))),
    );
    const scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM - 20) / max;
    parts.push(`<text x="20" y="${y}" class="panel">${escape(panel.title)}</text>`);
    y += 12;
    for (const row of panel.rows) {
      const height = spec.series.length * BAR;
      parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + height / 2 + 4}" class="label" text-anchor="end">${escape(row.label)}</text>`);
      row.values.forEach((value, index) => {
        const top = y + index * BAR;
        if (value === null || !Number.isFinite(value)) {
          parts.push(`<text x="${LABEL_WIDTH + 4}" y="${top + BAR - 2}" class="value">n/a</text>`);
          return;
        }
        const width = Math.max(1, value * scale);
        parts.push(
          `<rect x="${LABEL_WIDTH}" y="${top}" width="${width.toFixed(1)}" height="${BAR - 1}" fill="${COLORS[index % COLORS.length]}"/>`,
        );
        parts.push(`<text x="${(LABEL_WIDTH + width + 4).toFixed(1)}" y="${top + BAR - 2}" class="value">${formatMs(value)}</text>`);
      });
      y += height + ROW_GAP;
    }
    y += 18;
  }
  const legend = spec.series
    .map(
      (name, index) =>
        `<rect x="${WIDTH - 20 - (spec.series.length - index) * 90}" y="14" width="10" height="10" fill="${COLORS[index % COLORS.length]}"/><text x="${WIDTH - 6 - (spec.series.length - index) * 90}" y="23" class="label">${escape(name)}</text>`,
    )
    .join('');
  const height = y + 4;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.title{font-size:16px;font-weight:600}.sub{font-size:11px;fill:#555}.panel{font-size:13px;font-weight:600}.label{font-size:11px}.value{font-size:10px;fill:#333}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="20" y="24" class="title">${escape(spec.title)}</text>`,
    `<text x="20" y="40" class="sub">${escape(spec.subtitle)}</text>`,
    legend,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function formatMs(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
