/**
 * The minimal interleaving as a table: one column per logical thread or peer, one row per trace event, so a
 * reader sees who did what while the others waited. From an echo-server run, maxRows 5, three columns:
 *
 *     #  AcceptThread               SelectorThread-0         peer 10.0.0.2#0
 *        ... 32 events left out ...
 *        --- t=3 ---
 *    40  select() returns k0:A
 *   >41  accept -> ch1
 *   >42  offer(acceptedQueue, ch1)
 *    43  wakeup(sel1)
 *    44                             select() returns, woken
 *        ... 18 events left out ...
 *   (not shown: 3 events of main, 6 events of peer 10.0.0.1#0)
 *
 * - `#` is the event's seq, so rows match the event numbers a violation cites; `>` marks highlighted ones.
 * - Columns: threads and peers in order of first appearance, `main` last. `main` is left out when all its
 *   events come before the first or after the last event of the other threads (peers aside: they connect
 *   while main sets up) and none is highlighted: setup and teardown say nothing about the interleaving.
 *   A last line counts the events not shown.
 * - A line `--- t=<ms> ---` comes before the first row at each new virtual time.
 * - `maxRows` keeps the highlighted rows, then the `related` ones (the evidence's causal predecessors), then the
 *   rows nearest the highlighted ones (the latest rows when nothing is highlighted); each gap becomes a line
 *   saying how many events were left out.
 */

import { OP_ACCEPT, OP_CONNECT, OP_READ, OP_WRITE } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';

export interface InterleavingOptions {
  /** Rows to show at most; default all. */
  readonly maxRows?: number;
  /** Seqs of the events to mark, e.g. a violation's evidence. */
  readonly highlight?: readonly number[];
  /** These columns in this order instead of the automatic ones; other threads' events are not shown. */
  readonly columns?: readonly string[];
  /**
   * Rows to prefer after the highlighted ones when not all fit (causal-slice.ts: the evidence's causal
   * predecessors), latest first; rows around the highlighted ones fill what room is left.
   */
  readonly related?: ReadonlySet<number>;
}

/**
 * A cell's widest text; longer text ends in an ellipsis. 44 fits `poll(acceptedQueue@SelectorThread-1) -> ch12`,
 * the longest phrase that matters (queues keep their owner once two selectors have one); most columns are narrower.
 */
export const MAX_CELL_WIDTH = 44;
const GAP = '  ';

export function renderInterleaving(trace: readonly TraceEvent[], options: InterleavingOptions = {}): string {
  const highlight = new Set(options.highlight ?? []);
  const columns = options.columns ?? autoColumns(trace, highlight);
  const visible = trace.filter((e) => columns.includes(e.thread));
  if (visible.length === 0) return `(no events${trace.length > 0 ? `; ${notShown(trace, columns)}` : ''})`;
  const queueLabel = ownerlessQueues(trace);
  const kept = keptRows(visible, highlight, options.maxRows ?? Number.POSITIVE_INFINITY, options.related);

  const texts = visible.map((e) => cut(describeEvent(e, queueLabel)));
  // Loops, not Math.max(...rows): a trace can hold more events than a call takes arguments.
  const widths = columns.map((c) => cut(c).length);
  let seqWidth = 2;
  for (const r of kept) {
    const e = visible[r]!;
    const col = columns.indexOf(e.thread);
    widths[col] = Math.max(widths[col]!, texts[r]!.length);
    seqWidth = Math.max(seqWidth, String(e.seq).length);
  }
  const indent = ' '.repeat(1 + seqWidth) + GAP;
  const line = (mark: string, num: string, cells: readonly string[]) =>
    (mark + num.padStart(seqWidth) + GAP + cells.map((c, i) => c.padEnd(widths[i]!)).join(GAP)).trimEnd();

  const out = [line(' ', '#', columns.map(cut))];
  let time = 0;
  let skipped = 0;
  visible.forEach((e, r) => {
    if (!kept.has(r)) return void skipped++;
    if (skipped > 0) out.push(`${indent}... ${skipped} event${skipped === 1 ? '' : 's'} left out ...`);
    skipped = 0;
    if (e.t !== time) out.push(`${indent}--- t=${e.t} ---`);
    time = e.t;
    out.push(line(highlight.has(e.seq) ? '>' : ' ', String(e.seq), columns.map((c) => (c === e.thread ? texts[r]! : ''))));
  });
  if (skipped > 0) out.push(`${indent}... ${skipped} event${skipped === 1 ? '' : 's'} left out ...`);
  if (visible.length < trace.length) out.push(`(${notShown(trace, columns)})`);
  return out.join('\n');
}

function autoColumns(trace: readonly TraceEvent[], highlight: ReadonlySet<number>): string[] {
  const others = [...new Set(trace.map((e) => e.thread))].filter((t) => t !== 'main');
  if (!trace.some((e) => e.thread === 'main')) return others;
  // Peers act while main still sets up (they connect into the backlog), so only threads bound the setup.
  const isThread = (t: string) => t !== 'main' && !t.startsWith('peer ');
  const bounds = others.some(isThread) ? isThread : (t: string) => t !== 'main';
  const first = trace.findIndex((e) => bounds(e.thread));
  const last = trace.findLastIndex((e) => bounds(e.thread));
  const interleaved = trace.some((e, i) => e.thread === 'main' && ((i > first && i < last) || highlight.has(e.seq)));
  return interleaved || others.length === 0 ? [...others, 'main'] : others;
}

function notShown(trace: readonly TraceEvent[], columns: readonly string[]): string {
  const hidden = new Map<string, number>();
  for (const e of trace) if (!columns.includes(e.thread)) hidden.set(e.thread, (hidden.get(e.thread) ?? 0) + 1);
  const parts = [...hidden].map(([thread, n]) => `${n} event${n === 1 ? '' : 's'} of ${thread}`);
  return `not shown: ${parts.join(', ')}`;
}

/**
 * Row indexes to show: the highlighted ones, then the related ones (latest first), then outward from the
 * highlighted ones (before first), up to `max`.
 */
function keptRows(rows: readonly TraceEvent[], highlight: ReadonlySet<number>, max: number, related: ReadonlySet<number> = new Set()): Set<number> {
  const all = rows.map((_, r) => r);
  if (rows.length <= max) return new Set(all);
  const anchors = all.filter((r) => highlight.has(rows[r]!.seq)).reverse();
  if (anchors.length === 0) return new Set(all.slice(rows.length - max));
  const kept = new Set(anchors.slice(0, max));
  for (const r of all.filter((x) => related.has(rows[x]!.seq)).reverse()) if (kept.size < max) kept.add(r);
  for (let d = 1; kept.size < max && d < rows.length; d++) {
    for (const a of anchors) {
      for (const r of [a - d, a + d]) if (r >= 0 && r < rows.length && kept.size < max) kept.add(r);
    }
  }
  return kept;
}

function cut(text: string): string {
  return text.length <= MAX_CELL_WIDTH ? text : `${text.slice(0, MAX_CELL_WIDTH - 1)}…`;
}

/**
 * The short phrase for one event, as it reads in its thread's column (the thread is the column, so it is not
 * repeated). `queueLabel` shortens queue ids; by default `acceptedQueue@X` loses `@X` when X is the event's thread.
 */
export function describeEvent(e: TraceEvent, queueLabel: (queue: string, thread: string) => string = ownQueue): string {
  const q = (queue: string) => queueLabel(queue, e.thread);
  switch (e.ev) {
    case 'threadStart':
      return e.name === e.thread ? 'starts' : `starts ${e.name}`;
    case 'threadEnd':
      return `${e.name === e.thread ? 'ends' : `${e.name} ends`}${e.error === undefined ? '' : `: ${e.error}`}`;
    case 'interrupted':
      return e.name === e.thread ? 'interrupted' : `${e.name} interrupted`;
    case 'selectBegin':
      return e.timeout === undefined ? 'select() blocks' : e.timeout === 0 ? 'selectNow()' : `select(${e.timeout}ms)`;
    case 'selectEnd': {
      const keys = e.ready.map((k) => `${k.key}:${ops(k.ops)}`);
      if (e.woken) keys.push('woken');
      return keys.length === 0 ? 'select() returns nothing' : `select() returns${e.ready.length === 0 ? ',' : ''} ${keys.join(', ')}`;
    }
    case 'wakeup':
      return `wakeup(${e.sel})`;
    case 'selectorClose':
      return `close ${e.sel}`;
    case 'register':
      return `register ${e.ch} on ${e.sel} as ${e.key} (${ops(e.ops)})`;
    case 'interestOps':
      return `interestOps(${e.key}, ${ops(e.ops)})`;
    case 'cancel':
      return `cancel ${e.key} (${e.ch})`;
    case 'offer':
      return `offer(${q(e.queue)}, ${e.item})${e.ok ? '' : ' -> full'}`;
    case 'poll':
      return `poll(${q(e.queue)}) -> ${e.item ?? 'empty'}`;
    case 'takeBegin':
      return `take(${q(e.queue)})`;
    case 'take':
      return `take(${q(e.queue)}) -> ${e.item}`;
    case 'bind':
      return `bind ${e.ss} ${e.host}:${e.port} (backlog ${e.backlog})`;
    case 'accept':
      if (e.error !== undefined) return `accept fails: ${e.error}`;
      return `accept -> ${e.ch ?? 'none'}`;
    case 'read':
      return `read ${e.ch} -> ${e.n < 0 ? 'EOF' : e.n}`;
    case 'write':
      return `write ${e.ch} ${e.n}/${e.requested}`;
    case 'close':
      return `${e.reset ? 'reset' : 'close'} ${e.ch} (${e.reason})`;
    case 'sleep':
      return `sleep(${e.ms}ms)`;
    case 'log':
      return `log ${e.level}: ${e.msg.length <= 40 ? e.msg : `${e.msg.slice(0, 40)}…`}`;
    case 'peerConnect':
      return 'connect';
    case 'peerSend':
      return `send ${e.n} on ${e.ch}`;
    case 'peerRecv':
      return `recv ${e.n} on ${e.ch}`;
    case 'peerClose':
      return `${e.how === 'halfClose' ? 'half-close' : e.how} ${e.ch}`;
    case 'configured':
      return `configured ${e.factory}: ${e.selectors.length} selectors, ${e.workers} workers`;
    case 'lifecycle':
      return `factory ${e.phase}`;
    case 'cnxnCreated':
      return `new cnxn ${e.ch} (${e.key}) from ${e.ip}`;
    case 'cnxnRefused':
      return `refuse ${e.ch} from ${e.ip}: ${e.why}`;
    case 'session':
      return `session ${e.sessionId} on ${e.ch} (${e.timeout}ms)`;
    case 'touch':
      return `touch ${e.ch} until ${e.deadline}`;
    case 'expire':
      return `expire ${e.ch}`;
    case 'ioScheduled':
      return `io scheduled ${e.ch}`;
    case 'ioStart':
      return `io start ${e.ch}`;
    case 'ioEnd':
      return `io end ${e.ch}`;
    case 'acceptPaused':
      return `accept paused ${e.ms}ms`;
    case 'outgoing':
      return `outgoing ${e.n} on ${e.ch}`;
    case 'invalidUse':
      return `${e.op} on closed ${e.key ?? e.ch} refused`;
    case 'tlsHandshake':
      return `tls handshake ${e.ch} ${e.ok ? 'done' : `failed${e.error === undefined ? '' : `: ${e.error}`}`}`;
    case 'given':
      return `given: ${e.selectors ?? '-'} selectors, ${e.workers ?? '-'} workers, maxClientCnxns ${e.maxClientCnxns}`;
    case 'handlerCall':
      return `handler.${e.call}(${e.ch}, ${e.n} bytes)`;
    case 'handlerReturn':
      return `handler.${e.call}(${e.ch}) ${e.threw === undefined ? 'returns' : `throws ${e.threw}`}`;
    case 'handlerAct':
      return `${e.act}(${e.ch}${e.n === undefined ? '' : `, ${e.n}`}${e.reason === undefined ? '' : `, ${e.reason}`})`;
    case 'connectionClosed':
      return `connectionClosed(${e.ch}, ${e.reason})`;
    default:
      return unknownEvent(e);
  }
}

/** The compiler checks that the switch names every event; a trace from elsewhere may still carry a new one. */
function unknownEvent(e: never): string {
  return `? ${(e as { ev: string }).ev}`;
}

const OP_LETTERS: readonly [number, string][] = [[OP_READ, 'R'], [OP_WRITE, 'W'], [OP_CONNECT, 'C'], [OP_ACCEPT, 'A']];

/** Interest and ready sets the way a reader of Java NIO names them: `R|W`, `A`, `0`. */
function ops(bits: number): string {
  const names = OP_LETTERS.filter(([bit]) => (bits & bit) !== 0).map(([, letter]) => letter);
  const rest = OP_LETTERS.reduce((left, [bit]) => left & ~bit, bits);
  if (rest !== 0) names.push(String(rest));
  return names.length === 0 ? '0' : names.join('|');
}

function ownQueue(queue: string, thread: string): string {
  const at = queue.lastIndexOf('@');
  return at > 0 && queue.slice(at + 1) === thread ? queue.slice(0, at) : queue;
}

/**
 * Queue labels for a whole trace: `name@owner` reads as `name` where that cannot be mistaken, that is when the
 * owner is the event's own thread or no other owner has a queue of that name in the trace.
 */
function ownerlessQueues(trace: readonly TraceEvent[]): (queue: string, thread: string) => string {
  const owners = new Map<string, Set<string>>();
  for (const e of trace) {
    if (!('queue' in e)) continue;
    const at = e.queue.lastIndexOf('@');
    if (at <= 0) continue;
    const name = e.queue.slice(0, at);
    owners.set(name, (owners.get(name) ?? new Set()).add(e.queue.slice(at + 1)));
  }
  return (queue, thread) => {
    const at = queue.lastIndexOf('@');
    if (at <= 0) return queue;
    return owners.get(queue.slice(0, at))?.size === 1 ? queue.slice(0, at) : ownQueue(queue, thread);
  };
}
