/**
 * The load generator's side of the wire: the two frames it sends (a ConnectRequest for a new session, a ping) and
 * a frame counter that follows the length prefixes of what comes back without copying the bytes, so that the
 * client costs as little as possible at 100k replies/s. The frames come from reference/server/frames.ts, so every
 * server under test sees exactly the same bytes.
 */
import { encodeConnectRequest, frame, PASSWORD_BYTES, pingFrame } from '../../reference/server/frames.ts';

/** Session timeout the clients ask for: long enough that no session expires during a phase. */
export const REQUESTED_SESSION_TIMEOUT_MS = 30_000;

export const CONNECT_FRAME = Buffer.from(
  frame(
    encodeConnectRequest({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: REQUESTED_SESSION_TIMEOUT_MS,
      sessionId: 0n,
      passwd: new Uint8Array(PASSWORD_BYTES),
      readOnly: false,
    }),
  ),
);

export const PING_FRAME = Buffer.from(pingFrame());

/** `count` pings back to back, built once per count and reused. */
const pingRuns = new Map<number, Buffer>();
export function pings(count: number): Buffer {
  let run = pingRuns.get(count);
  if (run === undefined) {
    run = Buffer.concat(Array.from({ length: count }, () => PING_FRAME));
    pingRuns.set(count, run);
  }
  return run;
}

/** A length prefix with no payload after it: the server learns it must expect `length` bytes. */
export function lengthPrefixOnly(length: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(length, 0);
  return out;
}

/** Counts the complete frames in a byte stream fed chunk by chunk; never copies payloads. */
export class FrameCounter {
  /** Bytes of the current frame's payload still to come (0 while reading a length prefix). */
  private remaining = 0;
  /** Bytes of the current length prefix seen so far, and its value so far. */
  private prefixBytes = 0;
  private prefix = 0;

  /** Feeds a chunk; returns how many frames it completed. */
  push(chunk: Uint8Array): number {
    let done = 0;
    let at = 0;
    while (at < chunk.length) {
      if (this.prefixBytes < 4) {
        this.prefix = (this.prefix << 8) | (chunk[at] as number);
        this.prefixBytes++;
        at++;
        if (this.prefixBytes === 4) {
          this.remaining = this.prefix;
          // An empty frame ends with its prefix (a negative length never comes from a sane server: treat it so too).
          if (this.remaining <= 0) {
            this.endFrame();
            done++;
          }
        }
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      at += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.endFrame();
        done++;
      }
    }
    return done;
  }

  private endFrame(): void {
    this.prefixBytes = 0;
    this.prefix = 0;
    this.remaining = 0;
  }
}
