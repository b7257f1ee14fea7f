/**
 * Throttling, judged from what the handler asked for and what the runtime saw the factory read:
 * - once the handler has called disableRecv on a connection, its bytes are read in at most one more pass until
 *   the handler calls enableRecv. The throttle reaches the interest set only through the updateQueue, which the
 *   owner drains after its next select, so that select may still report the connection readable (and a pass
 *   reported before the disableRecv may finish); a second readable report followed by a read means the
 *   throttle was never applied;
 * - after a ConnectRequest has been handed to the handler, no further frame of that connection reaches the
 *   handler before the handler has queued something on it (its ConnectResponse) or closed it.
 * Both are what keeps a server that answers from other threads from being flooded by one client.
 */

import { OP_READ } from '../runtime.ts';
import { violation, type Invariant, type Violation } from './invariant.ts';

export const throttleStopsReads: Invariant = {
  name: 'throttle-stops-reads',
  kind: 'safety',
  requirements: ['cnxn.throttle'],
  description: 'No new read of a connection between the handler\'s disableRecv and enableRecv, and no frame after a ConnectRequest before its response is queued.',
  check(trace) {
    const out: Violation[] = [];
    /** Channel -> seq of the disableRecv in force. */
    const disabled = new Map<string, number>();
    /** Channel -> how many selects reported it readable since its disableRecv. */
    const readySince = new Map<string, number>();
    const keyChannel = new Map<string, string>();
    /** Channel -> seq of a ConnectRequest whose response is not queued yet. */
    const awaitingResponse = new Map<string, number>();
    for (const e of trace) {
      switch (e.ev) {
        case 'register':
          keyChannel.set(e.key, e.ch);
          break;
        case 'selectEnd':
          for (const r of e.ready) {
            const ch = keyChannel.get(r.key);
            if (ch !== undefined && disabled.has(ch) && (r.ops & OP_READ) !== 0) readySince.set(ch, (readySince.get(ch) ?? 0) + 1);
          }
          break;
        case 'handlerAct':
          if (e.act === 'disableRecv') {
            if (!disabled.has(e.ch)) disabled.set(e.ch, e.seq);
          } else if (e.act === 'enableRecv') {
            disabled.delete(e.ch);
            readySince.delete(e.ch);
          } else if (e.act === 'send' || e.act === 'close' || e.act === 'closeAfterFlush') {
            awaitingResponse.delete(e.ch);
          }
          break;
        case 'read': {
          const since = disabled.get(e.ch);
          if (since !== undefined && e.n > 0 && (readySince.get(e.ch) ?? 0) >= 2) {
            out.push(violation(this, `${e.thread} read ${e.n} bytes of ${e.ch} after a second select reported it readable although the handler had disabled receiving (event ${since}) and not enabled it again`, [since, e.seq]));
            disabled.delete(e.ch);
            readySince.delete(e.ch);
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
          readySince.delete(e.ch);
          awaitingResponse.delete(e.ch);
          break;
        default:
          break;
      }
    }
    return out;
  },
};
