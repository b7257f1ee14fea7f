/**
 * A key already invalid when a thread picked it up is cleaned up, never used: no interest-ops change on it and
 * no read or write on its channel. A thread picks a key up when a select it made reports the key, or when it
 * takes the key or its channel (or work labelled with the channel's id) out of a queue. If the key was cancelled,
 * or its channel or selector closed, before that pick-up, the thread could have seen it was invalid and had to
 * clean it up (selector.invalid-key); the runtime refusing the use (an `invalidUse` event) shows it did not.
 * An invalidation after the pick-up is a race the spec allows (another thread closed the connection meanwhile),
 * and so is a use by a thread with no traced pick-up: those are not judged here. A thread using a channel it
 * closed itself is flagged too: it cannot not know.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';

type Invalidation = { readonly seq: number; readonly thread: string; readonly what: string };

export const invalidKeyUntouched: Invariant = {
  name: 'invalid-key-untouched',
  kind: 'safety',
  requirements: ['selector.invalid-key'],
  description: 'A key invalid when its thread picked it up is cleaned up: no interest ops set on it, no IO on its channel.',
  check(trace) {
    const out: Violation[] = [];
    const keyChannel = new Map<string, string>();
    const selectorKeys = new Map<string, string[]>();
    /** First invalidation of a key (by key id) and of a channel (by channel id). */
    const keyInvalid = new Map<string, Invalidation>();
    const channelClosed = new Map<string, Invalidation>();
    /** `thread\u0000ch` -> seq of the thread's latest pick-up of that channel or its key. */
    const pickedUp = new Map<string, number>();
    const pickUp = (thread: string, item: string | null, seq: number) => {
      if (item === null) return;
      const ch = keyChannel.get(item) ?? item;
      pickedUp.set(`${thread}\u0000${ch}`, seq);
    };
    const invalidate = (key: string, at: Invalidation) => {
      if (!keyInvalid.has(key)) keyInvalid.set(key, at);
    };
    for (const e of trace) {
      switch (e.ev) {
        case 'register':
          keyChannel.set(e.key, e.ch);
          selectorKeys.set(e.sel, [...(selectorKeys.get(e.sel) ?? []), e.key]);
          break;
        case 'cancel':
          invalidate(e.key, { seq: e.seq, thread: e.thread, what: `${e.thread} cancelled ${e.key}` });
          break;
        case 'close':
          if (!channelClosed.has(e.ch)) channelClosed.set(e.ch, { seq: e.seq, thread: e.thread, what: `${e.thread} closed ${e.ch}` });
          break;
        case 'selectorClose':
          for (const key of selectorKeys.get(e.sel) ?? []) invalidate(key, { seq: e.seq, thread: e.thread, what: `${e.thread} closed ${e.sel}` });
          break;
        case 'selectEnd':
          for (const ready of e.ready) pickUp(e.thread, ready.key, e.seq);
          break;
        case 'poll':
        case 'take':
          pickUp(e.thread, e.item, e.seq);
          break;
        case 'invalidUse':
          out.push(...judgeUse(this, e, keyInvalid, channelClosed, pickedUp));
          break;
        default:
          break;
      }
    }
    return out;
  },
};

function judgeUse(
  invariant: Invariant,
  e: Extract<TraceEvent, { ev: 'invalidUse' }>,
  keyInvalid: ReadonlyMap<string, Invalidation>,
  channelClosed: ReadonlyMap<string, Invalidation>,
  pickedUp: ReadonlyMap<string, number>,
): Violation[] {
  const candidates = [channelClosed.get(e.ch), e.key === undefined ? undefined : keyInvalid.get(e.key)].filter((x): x is Invalidation => x !== undefined);
  const first = candidates.sort((a, b) => a.seq - b.seq)[0];
  if (first === undefined) return [];
  const target = e.key === undefined ? e.ch : `${e.key} (${e.ch})`;
  if (first.thread === e.thread) {
    return [violation(invariant, `${e.thread} tried ${e.op} on ${target} after it had itself made it invalid (${first.what})`, [first.seq, e.seq])];
  }
  const pick = pickedUp.get(`${e.thread}\u0000${e.ch}`);
  if (pick === undefined || pick < first.seq) return [];
  return [
    violation(
      invariant,
      `${e.thread} tried ${e.op} on ${target}, which was already invalid (${first.what}) when it picked it up at event ${pick}, instead of cleaning it up`,
      [first.seq, pick, e.seq],
    ),
  ];
}
