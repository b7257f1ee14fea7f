/**
 * Throttling, judged from what the handler asked for and what the runtime saw the factory read:
 * - once the handler has called disableRecv on a connection, no thread starts a new read of that connection's
 *   bytes until the handler calls enableRecv (a pass already under way on another thread may finish: the thread
 *   must have blocked, in a select, a take or a sleep, since the disableRecv before a read counts as new);
 * - after a ConnectRequest has been handed to the handler, no further frame of that connection reaches the
 *   handler before the handler has queued something on it (its ConnectResponse) or closed it.
 * Both are what keeps a server that answers from other threads from being flooded by one client.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';

const BLOCKING = new Set(['selectBegin', 'takeBegin', 'sleep']);

export const throttleStopsReads: Invariant = {
  name: 'throttle-stops-reads',
  kind: 'safety',
  requirements: ['cnxn.throttle'],
  description: 'No new read of a connection between the handler\'s disableRecv and enableRecv, and no frame after a ConnectRequest before its response is queued.',
  check(trace) {
    const out: Violation[] = [];
    /** Channel -> seq of the disableRecv in force. */
    const disabled = new Map<string, number>();
    /** Channel -> threads that have blocked since its disableRecv (their reads are new passes). */
    const blockedSince = new Map<string, Set<string>>();
    /** Channel -> seq of a ConnectRequest whose response is not queued yet. */
    const awaitingResponse = new Map<string, number>();
    for (const e of trace) {
      if (BLOCKING.has(e.ev)) {
        for (const threads of blockedSince.values()) threads.add(e.thread);
        continue;
      }
      switch (e.ev) {
        case 'handlerAct':
          if (e.act === 'disableRecv') {
            if (!disabled.has(e.ch)) {
              disabled.set(e.ch, e.seq);
              blockedSince.set(e.ch, new Set());
            }
          } else if (e.act === 'enableRecv') {
            disabled.delete(e.ch);
            blockedSince.delete(e.ch);
          } else if (e.act === 'send' || e.act === 'close' || e.act === 'closeAfterFlush') {
            awaitingResponse.delete(e.ch);
          }
          break;
        case 'read': {
          const since = disabled.get(e.ch);
          if (since !== undefined && e.n > 0 && blockedSince.get(e.ch)?.has(e.thread)) {
            out.push(violation(this, `${e.thread} read ${e.n} bytes of ${e.ch} in a new pass after the handler disabled receiving (event ${since}) and before it enabled it again`, [since, e.seq]));
            disabled.delete(e.ch);
            blockedSince.delete(e.ch);
          }
          break;
        }
        case 'handlerCall':
          if (e.call === 'connectRequest') awaitingResponse.set(e.ch, e.seq);
          else if (e.call === 'packet') {
            const connect = awaitingResponse.get(e.ch);
            if (connect !== undefined) {
              out.push(violation(this, `a frame of ${e.ch} reached the handler before the response to its ConnectRequest (event ${connect}) was queued`, [connect, e.seq]));
              awaitingResponse.delete(e.ch);
            }
          }
          break;
        case 'close':
          disabled.delete(e.ch);
          blockedSince.delete(e.ch);
          awaitingResponse.delete(e.ch);
          break;
        default:
          break;
      }
    }
    return out;
  },
};
