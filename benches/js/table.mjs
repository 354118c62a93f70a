// Formatting: figures, ratios and Markdown tables.
import { higherIsBetter } from './workloads.mjs';
import { median } from './timing.mjs';

/** A figure to three significant digits; rates of ops with k/M suffixes. */
export function formatFigure(value, unit) {
  const digits = (v) => (v >= 1000 ? String(Math.round(v)) : v.toPrecision(3));
  if (unit.endsWith('ops/s') || unit === 'listings/s') {
    if (value >= 1e6) return `${digits(value / 1e6)}M`;
    if (value >= 1e3) return `${digits(value / 1e3)}k`;
  }
  return digits(value);
}

/**
 * A cell: the median figure and, against the reference cell, how many times as fast it
 * is (for times, the reference's time over this one's), or the reason it failed.
 */
export function cell(workload, result, reference) {
  if (!result) return '';
  if (result.error) return `✗ ${result.error}`;
  const value = median(result.samples);
  const text = formatFigure(value, workload.unit);
  if (!reference || reference === result || reference.error) return text;
  const ref = median(reference.samples);
  const speed = higherIsBetter(workload) ? value / ref : ref / value;
  return `${text} (×${speed >= 100 ? Math.round(speed) : speed.toPrecision(2)})`;
}

/** A Markdown table, columns padded to line up in a terminal. */
export function markdown(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
