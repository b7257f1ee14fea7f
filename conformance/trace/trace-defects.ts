/**
 * Named, deterministic defects injected into a recorded trace: each rewrites the recording the way the trace of
 * a factory with one specific bug would read, and says which invariant must flag it and which events the
 * evidence must cite. They target events by pattern (the first register of a client channel, the last handoff
 * before the quiescence marker, ...), not by line, so they apply to any re-recording of the same workload.
 * write-trace-defects.ts writes the copies; trace-defects.test.ts checks that `cnxnspec check` flags each one.
 */

import type { InvariantName } from '../../spec/requirement.ts';
import { EditableTrace, type Fields } from './trace-edit.ts';

export interface Defect {
  /** File name of the copy (without .jsonl). */
  readonly name: string;
  /** The invariant that must flag it. */
  readonly invariant: InvariantName;
  /** What the bug is, for docs/emitting-traces.md. */
  readonly bug: string;
  /** Other invariants the same bug also (rightly) trips. */
  readonly alsoFlags: readonly InvariantName[];
  /** Applies the bug; returns the events the violation's evidence must include. */
  apply(trace: EditableTrace): Fields[];
}

export class DefectNotApplicable extends Error {}

const queueOwner = (queue: unknown) => String(queue).split('@')[1] ?? '';
const isClient = (ch: unknown) => typeof ch === 'string' && !ch.startsWith('ss');

function need<T>(found: T | undefined, what: string): T {
  if (found === undefined) throw new DefectNotApplicable(`the recording has no ${what}`);
  return found;
}

function selectorThreads(trace: EditableTrace): string[] {
  const configured = need(trace.events().find((e) => e.ev === 'configured'), 'configured event');
  return configured['selectors'] as string[];
}

const handoffs = (trace: EditableTrace) => trace.events().filter((e) => e.ev === 'offer' && String(e['queue']).startsWith('acceptedQueue@'));

/** The first event after `from` (in trace order) that matches. */
function after(trace: EditableTrace, from: Fields, match: (e: Fields) => boolean): Fields | undefined {
  const events = trace.events();
  return events.slice(events.indexOf(from) + 1).find(match);
}

export const DEFECTS: readonly Defect[] = [
  {
    name: 'register-on-wrong-thread',
    invariant: 'register-on-owner',
    bug: 'the first client channel is registered by the other selector thread, not the one that selects on its selector',
    alsoFlags: [],
    apply(trace) {
      const reg = need(trace.events().find((e) => e.ev === 'register' && isClient(e['ch'])), 'register of a client channel');
      const other = need(selectorThreads(trace).find((s) => s !== reg.thread), 'second selector thread');
      trace.change(reg, { thread: other });
      return [reg];
    },
  },
  {
    name: 'round-robin-skipped',
    invariant: 'round-robin',
    bug: 'the second handoff goes to the same selector thread as the first (its poll and the wakeup follow it there)',
    alsoFlags: [],
    apply(trace) {
      const [first, second] = handoffs(trace);
      if (!first || !second) throw new DefectNotApplicable('the recording has fewer than two handoffs');
      const from = second['queue'];
      const to = first['queue'];
      if (from === to) throw new DefectNotApplicable('the recording already skips a turn');
      const poll = need(after(trace, second, (e) => e.ev === 'poll' && e['item'] === second['item']), `poll of ${String(second['item'])}`);
      const wakeup = need(after(trace, second, (e) => e.ev === 'wakeup' && e.thread === second.thread), 'wakeup after the second handoff');
      const selOf = (thread: string) => need(trace.events().find((e) => e.ev === 'selectBegin' && e.thread === thread), `select of ${thread}`)['sel'];
      trace.change(second, { queue: to });
      trace.change(poll, { queue: to });
      trace.change(wakeup, { sel: selOf(queueOwner(to)) });
      return [second];
    },
  },
  {
    name: 'lost-accepted-channel',
    invariant: 'accepted-ends-registered-or-closed',
    bug: 'the selector thread polls the first accepted channel from its acceptedQueue and drops it: never registered, never closed',
    alsoFlags: [],
    apply(trace) {
      const accept = need(trace.events().find((e) => e.ev === 'accept' && isClient(e['ch'])), 'accepted channel');
      const ch = accept['ch'] as string;
      const poll = need(after(trace, accept, (e) => e.ev === 'poll' && e['item'] === ch), `poll of ${ch}`);
      trace.forgetChannel(ch, trace.at(poll));
      return [accept];
    },
  },
  {
    name: 'lost-wakeup',
    invariant: 'liveness-no-lost-wakeup',
    bug: 'the last handoff before the quiescence marker is not followed by a wakeup, so its selector thread sleeps on in select with the channel queued',
    alsoFlags: ['accepted-ends-registered-or-closed'],
    apply(trace) {
      const marker = trace.lastQuiescent();
      // A handoff to a selector thread that is blocked in select at that moment: only a wakeup can end its sleep.
      const blockedSince = (thread: string, before: Fields) => {
        const events = trace.events();
        const mine = events.slice(0, events.indexOf(before)).filter((e) => e.thread === thread && (e.ev === 'selectBegin' || e.ev === 'selectEnd'));
        const last = mine[mine.length - 1];
        return last?.ev === 'selectBegin' ? last : undefined;
      };
      const offer = need(
        handoffs(trace).filter((o) => trace.at(o) < marker && blockedSince(queueOwner(o['queue']), o)).pop(),
        'handoff to a sleeping selector thread before the quiescence marker',
      );
      const owner = queueOwner(offer['queue']);
      const since = blockedSince(owner, offer)!;
      const wakeup = need(after(trace, offer, (e) => e.ev === 'wakeup' && e.thread === offer.thread && e['sel'] === since['sel']), 'wakeup after that handoff');
      trace.remove(wakeup);
      trace.forgetChannel(offer['item'] as string, trace.at(offer), marker);
      for (let i = trace.lastQuiescent() - 1; i > trace.at(offer); i--) {
        if (trace.entries[i]!.event?.thread === owner) trace.entries.splice(i, 1);
      }
      return [offer, since];
    },
  },
  {
    name: 'accept-retried-at-once',
    invariant: 'accept-pause-on-failure',
    bug: 'an accept fails (too many open files) and the accept thread accepts again at once, without pausing the listening key',
    alsoFlags: [],
    apply(trace) {
      const accept = need(trace.events().find((e) => e.ev === 'accept' && isClient(e['ch'])), 'accepted channel');
      const failed = trace.insertBefore(accept, { thread: accept.thread, ev: 'accept', ss: accept['ss'], ch: null, error: 'java.io.IOException: Too many open files' });
      return [failed, accept];
    },
  },
];

/** The copy of `recording` with `defect` applied, and the events its evidence must cite (seqs as in the copy). */
export function injectDefect(recording: string, defect: Defect): { readonly text: string; readonly evidence: readonly number[] } {
  const trace = new EditableTrace(recording);
  const cited = defect.apply(trace);
  const text = trace.toText();
  return { text, evidence: cited.map((e) => e.seq) };
}
