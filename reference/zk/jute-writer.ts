/**
 * JuteWriter: encodes jute's binary archive (see jute-reader.ts for the format) into a growing buffer.
 * `JuteWriter.frame()` starts with room for the 4-byte length prefix and `toFrame()` fills it in, so a reply is
 * built in one buffer with no copy to prepend its length.
 *
 * Bytes are written by hand, not through a DataView: a reply's buffer is small enough to live in V8's heap, and a
 * DataView needs its ArrayBuffer, which V8 then moves out of the heap; that cost about a microsecond per reply
 * (bench/report/where-the-time-goes.md). For the same reason nothing here takes a subarray of the buffer.
 *
 * Implements: zk.jute-encoding.
 */
import { encodeUtf8 } from './utf8.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class JuteWriter {
  private bytes: Uint8Array;
  private size: number;
  private readonly framed: boolean;

  constructor(initialCapacity = 64, framed = false) {
    this.bytes = new Uint8Array(Math.max(initialCapacity, 8));
    this.framed = framed;
    this.size = framed ? 4 : 0;
  }

  /** A writer whose output starts with a length prefix, filled in by toFrame(). */
  static frame(initialCapacity = 64): JuteWriter {
    return new JuteWriter(initialCapacity, true);
  }

  int(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) throw new RangeError(`jute int out of range: ${value}`);
    this.reserve(4);
    putInt32(this.bytes, this.size - 4, value);
    return this;
  }

  long(value: bigint): this {
    this.reserve(8);
    const wrapped = BigInt.asIntN(64, value);
    putInt32(this.bytes, this.size - 8, Number(wrapped >> 32n));
    putInt32(this.bytes, this.size - 4, Number(BigInt.asUintN(32, wrapped)));
    return this;
  }

  bool(value: boolean): this {
    this.reserve(1);
    this.bytes[this.size - 1] = value ? 1 : 0;
    return this;
  }

  buffer(value: Uint8Array | null): this {
    if (value === null) return this.int(-1);
    this.int(value.length);
    return this.raw(value);
  }

  ustring(value: string | null): this {
    return value === null ? this.int(-1) : this.buffer(encodeUtf8(value));
  }

  vector<T>(items: readonly T[] | null, element: (w: JuteWriter, item: T) => void): this {
    if (items === null) return this.int(-1);
    this.int(items.length);
    for (const item of items) element(this, item);
    return this;
  }

  /** Bytes with no length prefix. */
  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.bytes.set(value, this.size - value.length);
    return this;
  }

  /** The bytes written (after the reserved prefix, for a frame writer). */
  toBytes(): Uint8Array {
    return this.bytes.slice(this.framed ? 4 : 0, this.size);
  }

  /** Length prefix plus payload; only for writers made by JuteWriter.frame(). */
  toFrame(): Uint8Array {
    if (!this.framed) throw new Error('toFrame() needs a writer made by JuteWriter.frame()');
    putInt32(this.bytes, 0, this.size - 4);
    return this.bytes.slice(0, this.size);
  }

  private reserve(n: number): void {
    if (this.size + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.size + n));
      next.set(this.bytes);
      this.bytes = next;
    }
    this.size += n;
  }
}

/** Big-endian; the low 32 bits of `value` (callers pass int32 or uint32 values). */
function putInt32(b: Uint8Array, at: number, value: number): void {
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
}
