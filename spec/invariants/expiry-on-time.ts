/**
 * Idle connections close on the expirer thread, not before their deadline (last activity + timeout) and not
 * later than one expiry interval after it. Activity is what the trace shows, not what the factory claims:
 * registration, a select reporting the key, the end of an IO pass, a session being set.
 */

import type { TraceEvent } from '../trace/events.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';
import { indexTrace } from './trace-index.ts';

interface Idle {
  lastActivity: number;
  activitySeq: number;
  timeout: number;
  reportedLate: boolean;
}

/** Judged on the runtime's close event, which the factory cannot misreport, not on its `expire` fact. */
function isExpiryClose(e: TraceEvent): e is Extract<TraceEvent, { ev: 'close' }> {
  return e.ev === 'close' && e.reason === 'connection_expired';
}

export const expiryOnTime: Invariant = {
  name: 'expiry-on-time',
  kind: 'safety',
  requirements: ['expiry.buckets', 'expiry.thread', 'expiry.sessionless', 'expiry.session-timeout', 'expiry.touch'],
  description: 'Idle connections are closed by the expirer thread, no earlier than their deadline and within one interval after it.',
  check(trace, context) {
    const index = indexTrace(trace);
    const config = index.configured;
    const slack = context.timeSlackMs ?? 0;
    const out: Violation[] = [];
    const idle = new Map<string, Idle>();
    let stopped = false;
    const active = (ch: string, e: TraceEvent) => {
      const entry = idle.get(ch);
      if (entry) Object.assign(entry, { lastActivity: e.t, activitySeq: e.seq, reportedLate: false });
    };
    for (const e of trace) {
      if (config && !stopped && config.expiryInterval > 0) {
        for (const [ch, entry] of idle) {
          const latest = entry.lastActivity + entry.timeout + config.expiryInterval + slack;
          if (!entry.reportedLate && e.t > latest) {
            entry.reportedLate = true;
            out.push(violation(this, `${ch} idle since t=${entry.lastActivity} (timeout ${entry.timeout} ms) is still open at t=${e.t}, later than one interval (${config.expiryInterval} ms) after its deadline`, [entry.activitySeq, e.seq], ['expiry.buckets']));
          }
        }
      }
      if (e.ev === 'cnxnCreated' && config) {
        idle.set(e.ch, { lastActivity: e.t, activitySeq: e.seq, timeout: config.sessionlessTimeout, reportedLate: false });
      } else if (e.ev === 'session') {
        const entry = idle.get(e.ch);
        if (entry) Object.assign(entry, { timeout: e.timeout, lastActivity: e.t, activitySeq: e.seq });
      } else if (e.ev === 'selectEnd') {
        for (const r of e.ready) {
          const ch = index.keyChannel.get(r.key);
          if (ch) active(ch, e);
        }
      } else if (e.ev === 'ioEnd') {
        active(e.ch, e);
      } else if (e.ev === 'lifecycle' && e.phase === 'stop') {
        stopped = true;
      }
      if (isExpiryClose(e)) {
        if (!/Expirer/.test(e.thread)) {
          out.push(violation(this, `${e.ch} expired on ${e.thread}, not on the connection expirer thread`, [e.seq], ['expiry.thread']));
        }
        const entry = idle.get(e.ch);
        if (entry && e.t + slack < entry.lastActivity + entry.timeout) {
          out.push(violation(this, `${e.ch} expired at t=${e.t}, before its deadline t=${entry.lastActivity + entry.timeout} (last activity t=${entry.lastActivity}, timeout ${entry.timeout} ms)`, [entry.activitySeq, e.seq], ['expiry.buckets', 'expiry.touch']));
        }
      }
      if (e.ev === 'close') idle.delete(e.ch);
    }
    return out;
  },
};
