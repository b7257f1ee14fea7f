/**
 * A failing interleaving drawn as swimlanes, inline SVG: one lane per logical thread and peer (columns, in order
 * of first appearance), one row per event going down in trace order, each event a box in its lane. Arrows link
 * an offer to the poll or take that got its item, and a wakeup to the select it ended; the evidence is drawn in
 * red. Only the evidence and its causal predecessors are drawn (causal-slice.ts), at most MAX_EVENTS of them,
 * the latest kept; the caption says how many were left out.
 */

import type { TraceEvent } from '../../spec/trace/events.ts';
import { causalSlice } from '../harness/causal-slice.ts';
import { describeEvent } from '../harness/interleaving-table.ts';
import { esc } from './html-escape.ts';

const MAX_EVENTS = 160;
const LANE = 190;
const ROW = 22;
const TOP = 34;
/** What fits a box at 11px monospace, the seq included. */
const LABEL_CHARS = 26;
/** Room on the left for the virtual time of each new instant. */
const GUTTER = 56;

interface Link {
  readonly from: number;
  readonly to: number;
  readonly kind: 'handoff' | 'wakeup';
}

/** Offer -> the poll/take that received the item; wakeup -> the next select on that selector that was woken. */
function linksOf(events: readonly TraceEvent[]): Link[] {
  const links: Link[] = [];
  events.forEach((e, i) => {
    if (e.ev === 'offer' && e.ok) {
      const j = events.findIndex((x, k) => k > i && (x.ev === 'poll' || x.ev === 'take') && x.queue === e.queue && x.item === e.item);
      if (j >= 0) links.push({ from: i, to: j, kind: 'handoff' });
    } else if (e.ev === 'wakeup') {
      const j = events.findIndex((x, k) => k > i && x.ev === 'selectEnd' && x.sel === e.sel && x.woken);
      if (j >= 0) links.push({ from: i, to: j, kind: 'wakeup' });
    }
  });
  return links;
}

function cut(text: string): string {
  return text.length <= LABEL_CHARS ? text : `${text.slice(0, LABEL_CHARS - 1)}…`;
}

export function swimlanesSvg(trace: readonly TraceEvent[], evidence: readonly number[]): string {
  const slice = causalSlice(trace, evidence);
  const all = trace.filter((e) => slice.has(e.seq));
  const drawn = all.slice(Math.max(0, all.length - MAX_EVENTS));
  if (drawn.length === 0) return '<p class="empty">(no events to draw)</p>';
  const lanes = [...new Set(drawn.map((e) => e.thread))];
  const evid = new Set(evidence);
  const x = (e: TraceEvent) => GUTTER + lanes.indexOf(e.thread) * LANE + 6;
  const y = (i: number) => TOP + i * ROW;
  const width = GUTTER + lanes.length * LANE + 10;
  const height = TOP + drawn.length * ROW + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="swimlanes" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="interleaving of ${drawn.length} events in ${lanes.length} lanes">`,
    '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="context-stroke"/></marker></defs>',
  ];
  lanes.forEach((lane, l) => {
    const cls = lane.startsWith('peer ') ? 'lane peer' : 'lane';
    parts.push(
      `<g class="${cls}" data-lane="${esc(lane)}"><rect x="${GUTTER + l * LANE + 2}" y="2" width="${LANE - 4}" height="${height - 4}" rx="4"/>` +
        `<text class="lane-name" x="${GUTTER + l * LANE + LANE / 2}" y="20" text-anchor="middle">${esc(cut(lane))}</text></g>`,
    );
  });
  let time: number | undefined;
  drawn.forEach((e, i) => {
    if (e.t !== time) {
      parts.push(`<text class="time" x="${GUTTER - 6}" y="${y(i) + 13}" text-anchor="end">t=${e.t}</text>`);
      time = e.t;
    }
  });
  for (const link of linksOf(drawn)) {
    const a = drawn[link.from]!;
    const b = drawn[link.to]!;
    const x1 = x(a) + LANE / 2 - 6;
    const x2 = x(b) + LANE / 2 - 6;
    parts.push(`<line class="link ${link.kind}" x1="${x1}" y1="${y(link.from) + 16}" x2="${x2}" y2="${y(link.to) + 2}" marker-end="url(#arrow)"/>`);
  }
  drawn.forEach((e, i) => {
    const text = describeEvent(e);
    const cls = evid.has(e.seq) ? 'event evidence' : 'event';
    parts.push(
      `<g class="${cls}" data-seq="${e.seq}"><title>#${e.seq} t=${e.t} ${esc(e.thread)}: ${esc(text)}</title>` +
        `<rect x="${x(e)}" y="${y(i)}" width="${LANE - 12}" height="${ROW - 4}" rx="3"/>` +
        `<text x="${x(e) + 4}" y="${y(i) + 13}">${esc(cut(`${e.seq} ${text}`))}</text></g>`,
    );
  });
  parts.push('</svg>');
  const left = trace.length - drawn.length;
  const caption = `${drawn.length} of ${trace.length} events drawn: the evidence (red) and its causal predecessors${left ? `; ${left} unrelated or earlier events left out` : ''}. Arrows: offer → the poll or take that got the item (blue), wakeup → the select it ended (orange).`;
  return `<figure>${parts.join('\n')}<figcaption>${esc(caption)}</figcaption></figure>`;
}
