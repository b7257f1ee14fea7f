/**
 * The two charts, drawn as plain SVG (no chart library: two simple shapes do not justify a dependency, and plain
 * SVG renders on GitHub and in any browser):
 * - storm time against the number of clients, one line per server, whiskers for min-max;
 * - pings/s and p99 latency per server, as two panels of horizontal bars, whiskers for min-max.
 */
import type { Spread } from '../stats.ts';

export interface Series {
  readonly label: string;
  readonly family: 'reference' | 'zookeeper' | 'bare';
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: Spread }>;
}

export interface Bar {
  readonly label: string;
  readonly family: 'reference' | 'zookeeper' | 'bare';
  readonly value: Spread | undefined;
}

/** A vertical dashed line across a bar panel, e.g. a target. */
export interface Marker {
  readonly value: number;
  readonly label: string;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#000000', '#aec7e8'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for about `ticks` gridlines up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function dash(family: Series['family']): string {
  return family === 'zookeeper' ? ' stroke-dasharray="6 3"' : family === 'bare' ? ' stroke-dasharray="2 2"' : '';
}

function short(n: number): string {
  return n >= 1000 ? `${n / 1000}k` : String(n);
}

export function stormChart(series: readonly Series[], title: string, subtitle: string): string {
  const width = 900;
  const height = 460;
  const left = 70;
  const top = 60;
  const plotW = 500;
  const plotH = 330;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const xMax = Math.max(1, ...xs);
  // Scaled to the medians: one repetition that waited for SYN retransmits must not flatten every other line. Whiskers
  // that reach past the top are cut there and labelled with their value.
  const yMax = 1.15 * Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y.median)));
  const yStep = niceStep(yMax, 6);
  const yTop = Math.ceil(yMax / yStep) * yStep;
  const X = (x: number) => left + (x / xMax) * plotW;
  const Y = (y: number) => top + plotH - (y / yTop) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="600">${esc(title)}</text>`,
    `<text x="${left}" y="44" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (let y = 0; y <= yTop + 1e-9; y += yStep) {
    out.push(`<line x1="${left}" y1="${Y(y)}" x2="${left + plotW}" y2="${Y(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 8}" y="${Y(y) + 4}" text-anchor="end" fill="#444">${Math.round(y).toLocaleString('en-US')}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${X(x)}" y1="${top}" x2="${X(x)}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${X(x)}" y="${top + plotH + 18}" text-anchor="middle" fill="#444">${short(x)}</text>`);
  }
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`);
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${top + plotH + 40}" text-anchor="middle">clients connecting at once</text>`);
  out.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">ms until every session is established (median)</text>`);
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    // Whiskers of the series side by side rather than on top of each other.
    const dx = (i - (series.length - 1) / 2) * 2;
    if (pts.length > 1) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash(s.family)} points="${pts.map((p) => `${X(p.x).toFixed(1)},${Y(p.y.median).toFixed(1)}`).join(' ')}"/>`);
    }
    for (const p of pts) {
      const top = Math.min(p.y.max, yTop);
      if (top > p.y.min) out.push(`<line x1="${X(p.x) + dx}" y1="${Y(p.y.min)}" x2="${X(p.x) + dx}" y2="${Y(top)}" stroke="${color}" stroke-width="1"/>`);
      if (p.y.max > yTop) out.push(`<text x="${X(p.x) - 4}" y="${Y(yTop) + 10}" text-anchor="end" font-size="10" fill="${color}">↑ max ${Math.round(p.y.max).toLocaleString('en-US')}</text>`);
      out.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y.median).toFixed(1)}" r="3" fill="${color}"><title>${esc(s.label)}: ${Math.round(p.y.median)} ms at ${p.x}</title></circle>`);
    }
    const ly = top + 6 + i * 20;
    const lx = left + plotW + 24;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${color}" stroke-width="2"${dash(s.family)}/>`);
    out.push(`<text x="${lx + 32}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function barPanel(out: string[], bars: readonly Bar[], x0: number, y0: number, w: number, rowH: number, heading: string, unit: string, digits: number, marker?: Marker): void {
  const max = Math.max(1e-9, marker?.value ?? 0, ...bars.map((b) => b.value?.max ?? 0));
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;
  const X = (v: number) => x0 + (v / top) * w;
  out.push(`<text x="${x0}" y="${y0 - 12}" font-weight="600">${esc(heading)}</text>`);
  const h = rowH * bars.length;
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(`<line x1="${X(v)}" y1="${y0}" x2="${X(v)}" y2="${y0 + h}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${X(v)}" y="${y0 + h + 16}" text-anchor="middle" fill="#444">${v.toLocaleString('en-US', { maximumFractionDigits: 3 })}</text>`);
  }
  if (marker) {
    out.push(`<line x1="${X(marker.value)}" y1="${y0}" x2="${X(marker.value)}" y2="${y0 + h}" stroke="#2ca02c" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    // Label on the side of the line with more room.
    const right = X(marker.value) - x0 < w / 2;
    out.push(`<text x="${X(marker.value) + (right ? 4 : -4)}" y="${y0 + h + 30}" text-anchor="${right ? 'start' : 'end'}" fill="#2ca02c">${esc(marker.label)}</text>`);
  }
  bars.forEach((b, i) => {
    const y = y0 + i * rowH;
    const color = b.family === 'zookeeper' ? '#d62728' : b.family === 'bare' ? '#555555' : '#1f77b4';
    if (b.value === undefined) {
      out.push(`<text x="${x0 + 4}" y="${y + rowH / 2 + 4}" fill="#999">no figure</text>`);
      return;
    }
    out.push(`<rect x="${x0}" y="${y + 3}" width="${(X(b.value.median) - x0).toFixed(1)}" height="${rowH - 6}" fill="${color}" fill-opacity="0.75"/>`);
    if (b.value.max > b.value.min) {
      out.push(`<line x1="${X(b.value.min)}" y1="${y + rowH / 2}" x2="${X(b.value.max)}" y2="${y + rowH / 2}" stroke="#222" stroke-width="1"/>`);
    }
    const label = b.value.median.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    out.push(`<text x="${X(b.value.max) + 5}" y="${y + rowH / 2 + 4}" fill="#222">${label}${esc(unit)}</text>`);
  });
}

export function pingChart(throughput: readonly Bar[], p99: readonly Bar[], title: string, subtitle: string, markers: { throughput?: Marker; p99?: Marker } = {}): string {
  const rowH = 24;
  const labelW = 250;
  const panelW = 250;
  const top = 84;
  const height = top + rowH * throughput.length + 60;
  const width = labelW + 2 * panelW + 150;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="16" font-weight="600">${esc(title)}</text>`,
    `<text x="12" y="44" fill="#555">${esc(subtitle)}</text>`,
  ];
  throughput.forEach((b, i) => {
    out.push(`<text x="${labelW - 10}" y="${top + i * rowH + rowH / 2 + 4}" text-anchor="end">${esc(b.label)}</text>`);
  });
  barPanel(out, throughput, labelW, top, panelW, rowH, 'pings/s (thousands)', 'k', 1, markers.throughput);
  barPanel(out, p99, labelW + panelW + 75, top, panelW - 25, rowH, 'p99 latency (ms)', '', 1, markers.p99);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
