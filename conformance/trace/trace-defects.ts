/**
 * Named, deterministic defects injected into a recorded trace: each rewrites the recording the way the trace of
 * a factory with one specific bug would read, and says which invariant must flag it and which events the
 * evidence must cite. They target events by pattern (the first register of a client channel, the last handoff
 * before the quiescence marker, ...), not by line, so they apply to any re-recording of the same workload.
 * write-trace-defects.ts writes the copies; trace-defects.test.ts checks that `cnxnspec check` flags each one.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import { SHUTDOWN_TIMEOUT_MS } from '../../spec/knobs.ts';
import { IdleClock } from '../../spec/invariants/close-causes.ts';
import { observedConfig } from '../../spec/invariants/observed.ts';
import type { InvariantName } from '../../spec/requirement.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
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

const queueOwner = (queue: unknown) => String(queue).split('@')[1] ?? '';
const isClient = (ch: unknown) => typeof ch === 'string' && !ch.startsWith('ss');

/** A recording without what a defect targets: the workload of record-zookeeper-trace.ts makes all of it. */
function notApplicable(why: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_TRACE', `${why}; record it again with npx tsx conformance/zookeeper/record-zookeeper-trace.ts, whose workload has what every defect needs`);
}

function need<T>(found: T | undefined, what: string): T {
  if (found === undefined) throw notApplicable(`the recording has no ${what}`);
  return found;
}

function selectorThreads(trace: EditableTrace): string[] {
  const configured = need(trace.events().find((e) => e.ev === 'configured'), 'configured event');
  return configured['selectors'] as string[];
}

const stopOf = (trace: EditableTrace) => need(trace.events().find((e) => e.ev === 'lifecycle' && e['phase'] === 'stop'), "lifecycle stop (the recorder's qend shutdown)");

/** The lateness the recording's header tolerates (timeSlackMs). */
const slackOf = (trace: EditableTrace) => (JSON.parse(trace.entries[0]!.text ?? '{}') as { timeSlackMs?: number }).timeSlackMs ?? 0;

const handoffs = (trace: EditableTrace) => trace.events().filter((e) => e.ev === 'offer' && String(e['queue']).startsWith('acceptedQueue@'));

/** The first event after `from` (in trace order) that matches. */
function after(trace: EditableTrace, from: Fields, match: (e: Fields) => boolean): Fields | undefined {
  const events = trace.events();
  return events.slice(events.indexOf(from) + 1).find(match);
}

export const DEFECTS: readonly Defect[] = [
  {
    name: 'deleted-wakeup',
    invariant: 'wakeup-after-offer',
    bug: 'the accept thread hands off the first connection and does not wake the selector thread before it blocks in its own select again',
    alsoFlags: [],
    apply(trace) {
      const offer = need(handoffs(trace)[0], 'handoff');
      const wakeup = need(after(trace, offer, (e) => e.thread === offer.thread && e.ev !== 'offer'), 'event after the first handoff');
      if (wakeup.ev !== 'wakeup') throw notApplicable(`the first handoff is followed by ${wakeup.ev}, not a wakeup`);
      const blocks = need(after(trace, wakeup, (e) => e.thread === offer.thread && e.ev === 'selectBegin'), "accept thread's next select (the recorder's accept select rules)");
      trace.remove(wakeup);
      return [offer, blocks];
    },
  },
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
      if (!first || !second) throw notApplicable('the recording has fewer than two handoffs');
      const from = second['queue'];
      const to = first['queue'];
      if (from === to) throw notApplicable('the recording already skips a turn');
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
    alsoFlags: ['stop-ends-everything'],
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
    bug: 'the last handoff before the first quiescence marker (the idle point of the run, before stop) is not followed by a wakeup, so its selector thread sleeps on in select with the channel queued',
    alsoFlags: ['accepted-ends-registered-or-closed', 'wakeup-after-offer', 'stop-ends-everything'],
    apply(trace) {
      const marker = trace.quiescentMarkers()[0]!;
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
      trace.forgetChannel(offer['item'] as string, trace.at(offer));
      for (let i = trace.quiescentMarkers()[0]! - 1; i > trace.at(offer); i--) {
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
  {
    name: 'interest-set-by-worker',
    invariant: 'interest-via-update-queue',
    bug: 'the worker that ends an IO pass restores the key\'s interest ops itself instead of the selector thread after polling the updateQueue',
    alsoFlags: [],
    apply(trace) {
      const events = trace.events();
      const offerBefore = (restore: Fields) =>
        events.slice(0, events.indexOf(restore)).findLast((e) => e.ev === 'offer' && String(e['queue']).startsWith('updateQueue@') && e['item'] === restore['key']);
      // A restore asked for by an IO worker (ZooKeeper's request threads also ask, when they re-enable reads).
      const restore = need(
        events.find((e) => e.ev === 'interestOps' && e['ops'] !== 0 && isClient(e['ch']) && /Worker/.test(offerBefore(e)?.thread ?? '')),
        'restore of interest ops queued by an IO worker',
      );
      trace.change(restore, { thread: offerBefore(restore)!.thread });
      return [restore];
    },
  },
  {
    name: 'two-io-passes',
    invariant: 'io-exclusive',
    bug: 'a second IO pass on a connection starts on another worker before the first one has ended',
    alsoFlags: [],
    apply(trace) {
      const events = trace.events();
      for (const end of events.filter((e) => e.ev === 'ioEnd')) {
        const next = after(trace, end, (e) => e.ev === 'ioStart' && e['ch'] === end['ch']);
        if (!next || next.thread === end.thread) continue;
        const start = events.slice(0, events.indexOf(end)).findLast((e) => e.ev === 'ioStart' && e['ch'] === end['ch'])!;
        // The second pass's start takes the place of the first pass's end, which moves to where that start was.
        const [endThread, nextThread] = [end.thread, next.thread];
        trace.change(end, { ev: 'ioStart', thread: nextThread });
        trace.change(next, { ev: 'ioEnd', thread: endThread });
        return [start, end];
      }
      throw notApplicable('the recording has no connection whose consecutive IO passes ran on different workers');
    },
  },
  {
    name: 'early-expiry',
    invariant: 'expiry-on-time',
    bug: 'the expirer closes a connection as expired soon after it was last active, well before its idle deadline',
    alsoFlags: [],
    apply(trace) {
      const expirer = need(trace.events().find((e) => e.ev === 'close' && e['reason'] === 'connection_expired'), 'expiry close (the idle socket of the workload)');
      // The close that comes furthest before its channel's earliest expiry time (idle deadline less the slack), by
      // the spec's own idle clock: which close that is depends on how the recording's timing fell.
      const events = trace.events() as unknown as TraceEvent[];
      const config = need(observedConfig(events), 'configured event');
      const clock = new IdleClock(events, config);
      const slack = slackOf(trace);
      let best: { close: Fields; margin: number } | undefined;
      for (const [i, e] of events.entries()) {
        clock.feed(e);
        if (e.ev !== 'close' || e.reason === 'connection_expired' || !isClient(e.ch)) continue;
        const margin = (clock.earliest(e.ch) ?? Number.NEGATIVE_INFINITY) - slack - e.t;
        if (margin > 0 && margin > (best?.margin ?? 0)) best = { close: trace.events()[i]!, margin };
      }
      const close = need(best?.close, 'close of a connection well before its idle deadline');
      trace.change(close, { thread: expirer.thread, reason: 'connection_expired' });
      return [close];
    },
  },
  {
    name: 'missing-expiry',
    invariant: 'expiry-on-time',
    bug: 'the socket that never sent is never expired: its expiry close is gone and it stays open past its latest deadline (and past stop)',
    alsoFlags: ['stop-ends-everything'],
    apply(trace) {
      const expiry = need(trace.events().find((e) => e.ev === 'close' && e['reason'] === 'connection_expired'), 'expiry close (the idle socket of the workload)');
      // Its idle time counts from its registration, the last thing that happened to it.
      const registered = need(trace.events().find((e) => e.ev === 'register' && e['ch'] === expiry['ch']), `register of ${String(expiry['ch'])}`);
      trace.remove(expiry);
      return [registered];
    },
  },
  {
    name: 'per-ip-limit-exceeded',
    invariant: 'per-ip-limit',
    bug: 'the configuration says maxClientCnxns=1, and the accept thread still hands off a second connection from 127.0.0.1 while the first is open',
    alsoFlags: [],
    apply(trace) {
      const configured = need(trace.events().find((e) => e.ev === 'configured'), 'configured event');
      trace.change(configured, { maxClientCnxns: 1 });
      // The first handoff decided while another connection from the same address stayed registered throughout.
      const registered = new Set<string>();
      const deciding = new Map<string, boolean>();
      for (const e of trace.events()) {
        if (e.ev === 'accept' && isClient(e['ch'])) deciding.set(e['ch'] as string, registered.size > 0);
        else if (e.ev === 'cnxnCreated') registered.add(e['ch'] as string);
        else if (e.ev === 'close') {
          registered.delete(e['ch'] as string);
          if (registered.size === 0) for (const ch of deciding.keys()) deciding.set(ch, false);
        } else if (e.ev === 'offer' && deciding.get(e['item'] as string)) return [e];
      }
      throw notApplicable('no handoff in the recording happens while another connection is open');
    },
  },
  {
    name: 'thread-left-running',
    invariant: 'stop-ends-everything',
    bug: 'stop leaves a selector thread running: it never ends, though the factory reports itself joined',
    alsoFlags: [],
    apply(trace) {
      const stop = stopOf(trace);
      const end = need(trace.events().findLast((e) => e.ev === 'threadEnd' && String(e['name']).startsWith('SelectorThread')), 'end of a selector thread (the recorder\'s qend shutdown)');
      const start = need(trace.events().find((e) => e.ev === 'threadStart' && e['name'] === end['name']), `start of ${String(end['name'])}`);
      trace.remove(end);
      return [stop, start];
    },
  },
  {
    name: 'stop-ends-late',
    invariant: 'stop-ends-promptly',
    bug: `the connection expirer ends only after the shutdown timeout (${SHUTDOWN_TIMEOUT_MS} ms and the recording's time slack) has passed since stop`,
    alsoFlags: [],
    apply(trace) {
      const stop = stopOf(trace);
      const end = need(trace.events().find((e) => e.ev === 'threadEnd' && e['name'] === 'ConnectionExpirer'), "end of the connection expirer (the recorder's qend shutdown)");
      const slack = slackOf(trace);
      trace.remove(end);
      const late = trace.insertAt(trace.lastQuiescent(), { t: stop.t + SHUTDOWN_TIMEOUT_MS + slack + 1, thread: end.thread, ev: 'threadEnd', name: end['name'] });
      return [stop, late];
    },
  },
  {
    name: 'thread-dies',
    invariant: 'handler-exception-contained',
    bug: 'a selector thread dies of an exception instead of surviving it in its loop',
    alsoFlags: [],
    apply(trace) {
      const end = need(trace.events().find((e) => e.ev === 'threadEnd' && String(e['name']).startsWith('SelectorThread')), "end of a selector thread (the recorder's qend shutdown)");
      trace.change(end, { error: 'java.lang.NullPointerException: Cannot invoke "Object.hashCode()" because "key" is null' });
      return [end];
    },
  },
];

/** The copy of `recording` with `defect` applied, and the events its evidence must cite (seqs as in the copy). */
export function injectDefect(recording: string, defect: Defect): { readonly text: string; readonly evidence: readonly number[] } {
  const trace = new EditableTrace(recording);
  let cited: Fields[];
  try {
    cited = defect.apply(trace);
  } catch (err) {
    if (err instanceof CnxnspecError) throw new CnxnspecError(err.code, `cannot inject ${defect.name}: ${err.message}`);
    throw err;
  }
  const text = trace.toText();
  return { text, evidence: cited.map((e) => e.seq) };
}
