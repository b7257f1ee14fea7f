/**
 * JuteWriter: encodes jute's binary archive (see jute-reader.ts for the format) into a growing buffer.
 * `JuteWriter.frame()` starts with room for the 4-byte length prefix and `toFrame()` fills it in, so a reply is
 * built in one buffer with no copy to prepend its length.
 *
 * Implements: zk.jute-encoding.
 */
import { encodeUtf8 } from './utf8.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class JuteWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private size: number;
  private readonly framed: boolean;

  constructor(initialCapacity = 64, framed = false) {
    this.bytes = new Uint8Array(Math.max(initialCapacity, 8));
    this.view = new DataView(this.bytes.buffer);
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
    this.view.setInt32(this.size - 4, value, false);
    return this;
  }

  long(value: bigint): this {
    this.reserve(8);
    this.view.setBigInt64(this.size - 8, BigInt.asIntN(64, value), false);
    return this;
  }

  bool(value: boolean): this {
    this.reserve(1);
    this.view.setUint8(this.size - 1, value ? 1 : 0);
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
    this.view.setInt32(0, this.size - 4, false);
    return this.bytes.slice(0, this.size);
  }

  private reserve(n: number): void {
    if (this.size + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.size + n));
      next.set(this.bytes.subarray(0, this.size));
      this.bytes = next;
      this.view = new DataView(next.buffer);
    }
    this.size += n;
  }
}
