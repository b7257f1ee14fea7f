/**
 * The events that led to a failure's evidence: its causal predecessors in the trace. An event is related to
 * the evidence when it touches the same channel, the same selection key (a key and its channel are one subject,
 * joined by register and cnxnCreated), or the same queue item; and the selects and wakeups of the selectors
 * those keys live on (or that own the queues their items were handed to), between the first related event and
 * the last piece of evidence (and the last select before), are kept too, since a
 * lost wakeup is exactly a select that returned (or did not) between an offer and its wakeup.
 * Only events up to the last piece of evidence count: what came after cannot have caused it.
 */

import type { TraceEvent } from '../../spec/trace/events.ts';

/** The subjects one event names: channels, keys and queue items, as one namespace (`ch3`, `k2`). */
function subjectsOf(e: TraceEvent): string[] {
  const out: string[] = [];
  if ('ch' in e && typeof e.ch === 'string') out.push(e.ch);
  if ('key' in e && typeof e.key === 'string') out.push(e.key);
  if ('item' in e && typeof e.item === 'string') out.push(e.item);
  if (e.ev === 'selectEnd') for (const r of e.ready) out.push(r.key);
  return out;
}

/** Seqs of the evidence and its causal predecessors. */
export function causalSlice(trace: readonly TraceEvent[], evidence: readonly number[]): Set<number> {
  const slice = new Set<number>(evidence);
  if (evidence.length === 0) return slice;
  const until = Math.max(...evidence);
  const bySeq = new Map(trace.map((e) => [e.seq, e]));
  // A key and its channel are one subject; a selector's keys tie its selects to them.
  const partner = new Map<string, string>();
  const selectorOf = new Map<string, string>();
  for (const e of trace) {
    if (e.ev === 'register' || e.ev === 'cnxnCreated' || e.ev === 'interestOps' || e.ev === 'cancel') {
      partner.set(e.key, e.ch);
      partner.set(e.ch, e.key);
    }
    if (e.ev === 'register') selectorOf.set(e.key, e.sel);
    if (e.ev === 'selectBegin') selectorOf.set(e.thread, e.sel);
  }
  const subjects = new Set<string>();
  for (const seq of evidence) {
    for (const s of subjectsOf(bySeq.get(seq) ?? ({} as TraceEvent))) {
      subjects.add(s);
      const other = partner.get(s);
      if (other) subjects.add(other);
    }
  }
  const selectors = new Set([...subjects].flatMap((s) => (selectorOf.has(s) ? [selectorOf.get(s)!] : [])));
  let first = until;
  for (const e of trace) {
    if (e.seq > until) break;
    if (subjectsOf(e).some((s) => subjects.has(s))) {
      slice.add(e.seq);
      first = Math.min(first, e.seq);
      // An item handed to `queue@Owner` waits for Owner's selector: its selects and wakeups matter too.
      const owner = 'queue' in e ? e.queue.slice(e.queue.lastIndexOf('@') + 1) : '';
      if (selectorOf.has(owner)) selectors.add(selectorOf.get(owner)!);
    }
  }
  // Each selector's last select before that shows what state it was in (asleep in select, or not).
  const before = new Map<string, number>();
  for (const e of trace) {
    if (e.seq > until) break;
    if (!((e.ev === 'wakeup' || e.ev === 'selectBegin' || e.ev === 'selectEnd') && selectors.has(e.sel))) continue;
    if (e.seq >= first) slice.add(e.seq);
    else if (e.ev !== 'wakeup') before.set(e.sel, e.seq);
  }
  for (const seq of before.values()) slice.add(seq);
  return slice;
}
