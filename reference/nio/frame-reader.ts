/**
 * FrameReader: the incoming half of a connection's framing, a 4-byte big-endian signed length followed by that
 * many payload bytes. It never asks the socket for more than the rest of the current frame, so bytes of the next
 * frame stay in the socket (and level-triggered readiness brings them back on the next select).
 *
 * Unlike ZooKeeper, which allocates `len` bytes as soon as the length prefix arrives, the payload buffer grows
 * in chunks as bytes arrive (start at `initialChunk`, then double, capped at the frame length), so a client that
 * sends only a large length prefix costs the server at most `initialChunk` bytes, and a frame in flight never
 * reserves more than twice what has arrived plus one chunk. A frame longer than 1 KiB reserves nothing until
 * its first payload bytes have arrived (one extra read of at most 4 bytes per such frame).
 *
 * The first 4 bytes of a stream are offered as a four-letter word (`ruok`, `srvr`...) when they spell one of
 * the words the reader was given, before they are judged as a length.
 *
 * Implements: cnxn.framing (length check, resume where a partial read stopped, at most one frame per step).
 */
import { CnxnspecError } from '../../spec/errors.ts';

/** Reads into `into`: bytes copied, 0 when none are available, -1 at end of stream. */
export type ReadFn = (into: Uint8Array) => Promise<number>;

export type FrameStep =
  | { readonly kind: 'frame'; readonly payload: Uint8Array }
  /** The stream's first 4 bytes spell one of the words the reader was given (a four-letter word). */
  | { readonly kind: 'word'; readonly word: string; readonly length: number }
  | { readonly kind: 'partial' }
  | { readonly kind: 'eof' };

/** A length prefix that is negative or larger than jute.maxbuffer. */
export class FrameLengthError extends CnxnspecError {
  readonly length: number;
  readonly max: number;
  constructor(length: number, max: number) {
    super('CNXNSPEC_ERR_FRAME', `frame length ${length} is negative or greater than jute.maxbuffer=${max}`);
    this.name = 'FrameLengthError';
    this.length = length;
    this.max = max;
  }
}

export const DEFAULT_INITIAL_CHUNK = 4096;

/** Frames up to this length get their whole buffer when the length arrives (one read fills a small frame). */
const PROBE_ABOVE = 1024;

const EMPTY = new Uint8Array(0);

/** Incremental length-prefixed frame reading. Implements: cnxn.framing. */
export class FrameReader {
  private readonly lenBuf = new Uint8Array(4);
  private lenFilled = 0;
  /** Length of the frame being read, or -1 while the length prefix is still being read. */
  private expected = -1;
  private payload: Uint8Array = EMPTY;
  private filled = 0;
  /** Only the first 4 bytes of a stream can be a four-letter word, as in ZooKeeper. */
  private atStreamStart = true;

  constructor(
    readonly maxBuffer: number,
    readonly initialChunk: number = DEFAULT_INITIAL_CHUNK,
    readonly words: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * One read step: completes at most one frame. Throws FrameLengthError on a bad length prefix (the connection
   * then closes; the reader is not meant to be used again).
   */
  async step(read: ReadFn): Promise<FrameStep> {
    if (this.expected < 0) {
      // The whole buffer when nothing of the length has arrived yet: a view per frame showed in profiles.
      const n = await read(this.lenFilled === 0 ? this.lenBuf : this.lenBuf.subarray(this.lenFilled));
      if (n < 0) return { kind: 'eof' };
      this.lenFilled += n;
      if (this.lenFilled < 4) return { kind: 'partial' };
      const b = this.lenBuf;
      // Big-endian int32 by hand (a DataView per frame showed in profiles).
      const len = ((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number);
      this.lenFilled = 0;
      if (this.atStreamStart) {
        this.atStreamStart = false;
        const word = String.fromCharCode(...this.lenBuf);
        if (this.words.has(word)) return { kind: 'word', word, length: len };
      }
      if (len < 0 || len > this.maxBuffer) throw new FrameLengthError(len, this.maxBuffer);
      this.expected = len;
      this.payload = EMPTY;
      this.filled = 0;
    }
    while (this.filled < this.expected) {
      if (this.filled === 0 && this.expected > PROBE_ABOVE) {
        // A large frame's first chunk is made only once some of its payload has arrived, so that a client that
        // sends only a length prefix holds no payload memory: the first bytes go to the (now free) length buffer.
        const n = await read(this.lenBuf);
        if (n < 0) return { kind: 'eof' };
        if (n === 0) break;
        this.grow();
        this.payload.set(this.lenBuf.subarray(0, n));
        this.filled = n;
        if (n < this.lenBuf.length) break;
        continue;
      }
      if (this.filled === this.payload.length) this.grow();
      const want = this.payload.length - this.filled;
      const n = await read(this.filled === 0 ? this.payload : this.payload.subarray(this.filled, this.payload.length));
      if (n < 0) return { kind: 'eof' };
      this.filled += n;
      // A short read means the socket has nothing more right now; the next readiness event resumes here.
      if (n < want) break;
    }
    if (this.filled < this.expected) return { kind: 'partial' };
    const payload = this.payload;
    this.expected = -1;
    this.payload = EMPTY;
    this.filled = 0;
    return { kind: 'frame', payload };
  }

  /** Bytes currently reserved for the frame in progress (length prefix excluded). */
  reservedBytes(): number {
    return this.payload.length;
  }

  /** True while a frame is partly read (some length or payload bytes have arrived). */
  inFrame(): boolean {
    return this.lenFilled > 0 || this.expected >= 0;
  }

  private grow(): void {
    const capacity = Math.min(this.expected, Math.max(this.initialChunk, this.payload.length * 2));
    const next = new Uint8Array(capacity);
    next.set(this.payload.subarray(0, this.filled));
    this.payload = next;
  }
}
