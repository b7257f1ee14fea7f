/**
 * Idle connections close on time, judged on every close rather than only on those labelled connection_expired:
 * a close of a registered connection that nothing else explains (close-causes.ts) must not come before the
 * connection's observed idle deadline (the bucket after its last activity plus its timeout), an expiry close must
 * be made by the expirer thread, and no idle connection may stay open later than one interval after its latest
 * possible deadline. Activity and timeouts are what the runtime and the harness saw (IdleClock), never the
 * factory's touch or expire facts; the timeout is the one the harness gave, or the session's once set. A trace
 * without harness observations shows no handler closes, so there only closes labelled connection_expired are timed.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { explainCloses, IdleClock } from './close-causes.ts';
import { harnessObserved, observedConfig, stopPoint } from './observed.ts';

export const expiryOnTime: Invariant = {
  name: 'expiry-on-time',
  kind: 'safety',
  requirements: ['expiry.buckets', 'expiry.thread', 'expiry.sessionless', 'expiry.session-timeout', 'expiry.touch'],
  description: 'Idle connections are closed by the expirer thread, no earlier than their observed deadline and within one interval after it.',
  check(trace, context) {
    const config = observedConfig(trace);
    if (!config) return [];
    const slack = context.timeSlackMs ?? 0;
    const observed = harnessObserved(trace);
    const out: Violation[] = [];
    for (const { close, causes, idle } of explainCloses(trace, config)) {
      if (close.reason === 'connection_expired' && !/Expirer/.test(close.thread)) {
        out.push(violation(this, `${close.ch} expired on ${close.thread}, not on the connection expirer thread`, [close.seq], ['expiry.thread']));
      }
      // Without harness observations the handler's own closes are invisible, so only expiry closes are timed.
      if (!idle || (!observed && close.reason !== 'connection_expired')) continue;
      const explained = causes.some((c) => c.reasons.includes(close.reason) && !c.reasons.includes('connection_expired'));
      if (!explained && close.t + slack < idle.deadline) {
        out.push(
          violation(
            this,
            `${close.ch} closed (${close.reason}) at t=${close.t}, before its idle deadline t=${idle.deadline} (last activity t=${idle.since}, timeout ${idle.timeout} ms, bucket interval ${config.expiryInterval} ms), with no other cause${config.caveat}`,
            [idle.sinceSeq, close.seq],
            ['expiry.buckets', 'expiry.touch'],
          ),
        );
      }
    }
    // Liveness of expiry, judged at every event up to stop: an idle connection must not outlive its latest deadline.
    const stop = stopPoint(trace);
    const clock = new IdleClock(trace, config);
    const reported = new Set<string>();
    for (const e of trace) {
      if (stop && e.seq >= stop.seq) break;
      // By key, not by [key, entry] pairs: a pair per connection per event was most of this invariant's garbage.
      for (const ch of clock.idle.keys()) {
        // Most connections are not overdue at most events: the key naming a report is made only for those that are.
        if (!(e.t > clock.latest(ch)! + slack)) continue;
        const entry = clock.idle.get(ch)!;
        const once = `${ch}@${entry.upSeq}`;
        if (!reported.has(once)) {
          reported.add(once);
          out.push(violation(this, `${ch} idle since t=${entry.up} (timeout ${entry.timeout} ms) is still open at t=${e.t}, later than one interval (${config.expiryInterval} ms) after its deadline${config.caveat}`, [entry.upSeq, e.seq], ['expiry.buckets']));
        }
      }
      clock.feed(e);
      if (e.ev === 'close') clock.idle.delete(e.ch);
    }
    return out;
  },
};
