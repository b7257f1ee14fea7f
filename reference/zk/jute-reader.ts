/**
 * JuteReader: decodes jute's binary archive from one frame payload. Big-endian throughout: int = 4 bytes,
 * long = 8 (as bigint), boolean = 1 byte (any non-zero value is true), buffer and ustring = int length (-1 means
 * null) then the bytes, vector = int count (-1 means null) then the elements. Records are their fields in order,
 * with no tags or padding, so a record decoder is a sequence of these calls.
 *
 * Every length is checked against the limit before anything is allocated, and every read against what is
 * left, so a hostile payload costs at most its own size. Failures throw JuteError (CNXNSPEC_ERR_FRAME).
 *
 * Numbers are put together from the bytes by hand rather than through a DataView: a small payload lives in V8's
 * heap, and a view needs its ArrayBuffer, which V8 then moves out of the heap (about half a microsecond a frame,
 * measured in bench/report/where-the-time-goes.md).
 *
 * Implements: zk.jute-encoding.
 */
import { malformed, truncated, unreasonableLength } from './jute-error.ts';
import { DEFAULT_JUTE_LIMITS, fieldLimit, type JuteLimits } from './jute-limits.ts';
import { decodeUtf8 } from './utf8.ts';

export class JuteReader {
  private at = 0;
  private readonly limit: number;

  constructor(
    private readonly bytes: Uint8Array,
    limits: JuteLimits = DEFAULT_JUTE_LIMITS,
  ) {
    this.limit = fieldLimit(limits);
  }

  /** Bytes not read yet. */
  remaining(): number {
    return this.bytes.length - this.at;
  }

  /** Where the next field starts. */
  offset(): number {
    return this.at;
  }

  int(what = 'int'): number {
    this.need(4, what);
    const value = int32At(this.bytes, this.at);
    this.at += 4;
    return value;
  }

  long(what = 'long'): bigint {
    this.need(8, what);
    const high = int32At(this.bytes, this.at);
    const low = int32At(this.bytes, this.at + 4) >>> 0;
    this.at += 8;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  bool(what = 'boolean'): boolean {
    this.need(1, what);
    return this.bytes[this.at++] !== 0;
  }

  /** A jute buffer: a copy, so that it outlives the payload it came from. */
  buffer(what = 'buffer'): Uint8Array | null {
    const len = this.length(what);
    if (len === -1) return null;
    this.need(len, what);
    const value = this.bytes.slice(this.at, this.at + len);
    this.at += len;
    return value;
  }

  ustring(what = 'ustring'): string | null {
    const len = this.length(what);
    if (len === -1) return null;
    this.need(len, what);
    const value = decodeUtf8(this.bytes.subarray(this.at, this.at + len));
    this.at += len;
    return value;
  }

  /** A ustring where null makes no sense to the caller (paths): null reads as ''. */
  string(what = 'ustring'): string {
    return this.ustring(what) ?? '';
  }

  /** A znode path in a request where ZooKeeper cannot use null (it answers MARSHALLINGERROR). */
  path(what = 'path'): string {
    const value = this.ustring(what);
    if (value === null) throw malformed(`${what} is null`);
    return value;
  }

  /** -1 is null; any other negative count is an empty vector, as ZooKeeper reads it. */
  vector<T>(element: (r: JuteReader) => T, what = 'vector'): T[] | null {
    const count = this.int(`${what} count`);
    if (count === -1) return null;
    const items: T[] = [];
    if (count < 0) return items;
    if (count > this.limit) throw unreasonableLength(`${what} count`, count, this.limit);
    // Each element needs at least one byte, so a count beyond what is left fails at once rather than looping.
    if (count > this.remaining()) throw truncated(`${what} of ${count} element(s)`, this.at, count, this.remaining());
    for (let i = 0; i < count; i++) items.push(element(this));
    return items;
  }

  private length(what: string): number {
    const len = this.int(`${what} length`);
    if (len !== -1 && (len < 0 || len > this.limit)) throw unreasonableLength(what, len, this.limit);
    return len;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining()) throw truncated(what, this.at, n, this.remaining());
  }
}

/** The big-endian int32 at `at` (the caller has checked that 4 bytes are there). */
function int32At(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number);
}
