/**
 * The handler gets exactly the frames the peer sent, one per IO pass (cnxn.framing): each IO pass of a channel
 * hands the handler at most one frame, and the k-th connectRequest or packet the handler receives on a channel
 * is the k-th frame of the peer's bytes (same length, same digest), handed over only once the server has read
 * all of it. Frames are cut from the bytes the peer sent (observed.ts); a channel whose bytes are not in the
 * trace is judged on the one-per-pass rule alone, and four-letter words are not frames.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { observedConfig, peerUnits } from './observed.ts';

export const framesAsSent: Invariant = {
  name: 'frames-as-sent',
  kind: 'safety',
  requirements: ['cnxn.framing'],
  description: 'Each IO pass hands the handler at most one frame, and the frames it hands over are, in order, the complete frames the peer sent.',
  check(trace) {
    const config = observedConfig(trace);
    const units = peerUnits(trace, config?.juteMaxBuffer ?? Number.MAX_SAFE_INTEGER);
    const out: Violation[] = [];
    /** `${ch} ${thread}` -> the open pass and the frames it handed over. */
    const passes = new Map<string, { seq: number; frames: number[] }>();
    const handed = new Map<string, number>();
    const read = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'ioStart') passes.set(`${e.ch} ${e.thread}`, { seq: e.seq, frames: [] });
      else if (e.ev === 'ioEnd') passes.delete(`${e.ch} ${e.thread}`);
      else if (e.ev === 'read' && e.n > 0) read.set(e.ch, (read.get(e.ch) ?? 0) + e.n);
      else if (e.ev === 'handlerCall' && e.call !== 'fourLetterWord') {
        const pass = passes.get(`${e.ch} ${e.thread}`);
        if (pass) {
          pass.frames.push(e.seq);
          if (pass.frames.length === 2) {
            out.push(violation(this, `${e.thread} handed the handler a second frame of ${e.ch} in one IO pass`, [pass.seq, ...pass.frames]));
          }
        }
        const k = handed.get(e.ch) ?? 0;
        handed.set(e.ch, k + 1);
        const stream = units.get(e.ch);
        if (!stream) continue;
        const unit = stream[k];
        if (!unit || unit.kind !== 'frame') {
          out.push(violation(this, `the handler got frame ${k + 1} of ${e.ch} (${e.n} bytes), but the peer sent only ${stream.filter((u) => u.kind === 'frame').length} complete frame(s)`, [e.seq]));
        } else if (unit.n !== e.n || (e.digest !== undefined && unit.digest !== e.digest)) {
          out.push(violation(this, `frame ${k + 1} of ${e.ch} reached the handler as ${e.n} bytes (digest ${e.digest}), but the peer sent ${unit.n} bytes (digest ${unit.digest})`, [e.seq]));
        } else if ((read.get(e.ch) ?? 0) < unit.end) {
          out.push(violation(this, `frame ${k + 1} of ${e.ch} reached the handler when the server had read ${read.get(e.ch) ?? 0} bytes, before its last byte (${unit.end})`, [e.seq]));
        }
      }
    }
    return out;
  },
};
