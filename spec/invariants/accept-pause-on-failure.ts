/**
 * After an accept call fails (EMFILE and the like) the accept thread stops selecting for accepts for 10 ms:
 * it sets the listening key's interest to 0 and waits in a timed select before it accepts again. Retrying at once
 * turns a shortage of descriptors into a busy loop that starves every other thread; pausing without a failure
 * turns a refused client (limit, failed handoff) into 10 ms during which nobody gets in. A pause must also end:
 * a select with no timeout on the listening key's selector while its interest is still 0 (the socket open, the key
 * valid) waits for something that can no longer come, and no connection is accepted again.
 */

import { ACCEPT_PAUSE_MS } from '../knobs.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';

export const acceptPauseOnFailure: Invariant = {
  name: 'accept-pause-on-failure',
  kind: 'safety',
  requirements: ['accept.pause-on-failure'],
  description: 'After a failed accept, the listening key\'s interest goes to 0 and no accept follows for 10 ms (unless a wakeup ends the pause), then OP_ACCEPT comes back; no pause without a failure.',
  check(trace) {
    const out: Violation[] = [];
    /** Listening key -> its listening socket. */
    const listeningKeys = new Map<string, string>();
    /** Per listening socket: the failed accept not yet followed by a proper pause, and what the pause did so far. */
    const pending = new Map<string, { failed: number; at: number; thread: string; paused: boolean; woken: boolean }>();
    /** Per listening socket: whether the last interest change to 0 was explained by a failure. */
    const failedSinceRestore = new Map<string, boolean>();
    /** Listening socket -> its key and selector while it is open and its key valid, with the key's last interest. */
    const listening = new Map<string, { key: string; sel: string; ops: number }>();
    for (const e of trace) {
      switch (e.ev) {
        case 'register':
          if (e.ch.startsWith('ss')) {
            listeningKeys.set(e.key, e.ch);
            listening.set(e.ch, { key: e.key, sel: e.sel, ops: e.ops });
          }
          break;
        case 'cancel':
        case 'close':
          listening.delete(e.ch);
          break;
        case 'selectBegin':
          if (e.timeout !== undefined) break;
          for (const [ss, l] of listening) {
            if (l.sel === e.sel && l.ops === 0 && failedSinceRestore.get(ss)) {
              out.push(violation(this, `${e.thread} selects with no timeout on ${e.sel} while accepting on ${ss} is paused (interest 0): OP_ACCEPT is never restored`, [e.seq]));
              listening.delete(ss);
            }
          }
          break;
        case 'accept': {
          const open = pending.get(e.ss);
          if (open && e.thread === open.thread) {
            if (!open.paused) {
              out.push(violation(this, `${e.thread} accepted again on ${e.ss} after the failed accept at event ${open.failed} without setting the listening key's interest to 0`, [open.failed, e.seq]));
            } else if (e.t < open.at + ACCEPT_PAUSE_MS && !open.woken) {
              out.push(violation(this, `${e.thread} accepted again on ${e.ss} ${e.t - open.at} ms after the failed accept at event ${open.failed}; the pause is ${ACCEPT_PAUSE_MS} ms`, [open.failed, e.seq]));
            }
            pending.delete(e.ss);
          }
          if (e.error !== undefined) {
            pending.set(e.ss, { failed: e.seq, at: e.t, thread: e.thread, paused: false, woken: false });
            failedSinceRestore.set(e.ss, true);
          }
          break;
        }
        case 'interestOps': {
          const ss = listeningKeys.get(e.key);
          if (ss === undefined) break;
          const l = listening.get(ss);
          if (l) l.ops = e.ops;
          if (e.ops === 0) {
            if (!failedSinceRestore.get(ss)) out.push(violation(this, `${e.thread} paused accepting on ${ss} (interest 0) with no failed accept before it`, [e.seq]));
            const open = pending.get(ss);
            if (open) open.paused = true;
          } else {
            failedSinceRestore.set(ss, false);
          }
          break;
        }
        case 'selectEnd':
          for (const open of pending.values()) if (open.thread === e.thread && open.paused && e.woken) open.woken = true;
          break;
        default:
          break;
      }
    }
    return out;
  },
};
