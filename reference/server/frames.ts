/**
 * Tiny big-endian encoders and decoders for the few ZooKeeper records the echo server speaks: ConnectRequest,
 * ConnectResponse, RequestHeader and ReplyHeader, plus length-prefixed framing. Tests use them as the client side.
 * Jute encoding: int = 4 bytes, long = 8, boolean = 1, buffer = int length (-1 = null) then the bytes.
 */
import { CnxnspecError } from '../../spec/errors.ts';

export const OP_PING = 11;
export const OP_CLOSE_SESSION = -11;
export const XID_PING = -2;
export const PASSWORD_BYTES = 16;

export interface ConnectRequest {
  readonly protocolVersion: number;
  readonly lastZxidSeen: bigint;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  /** Absent when the client is old enough to omit the byte. */
  readonly readOnly?: boolean;
}

export interface ConnectResponse {
  readonly protocolVersion: number;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  readonly readOnly?: boolean;
}

export interface RequestHeader {
  readonly xid: number;
  readonly type: number;
}

export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
}

/** Appends jute fields to a growing buffer. */
export class RecordWriter {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  private size = 0;

  int(value: number): this {
    this.reserve(4).setInt32(this.size - 4, value, false);
    return this;
  }

  long(value: bigint): this {
    this.reserve(8).setBigInt64(this.size - 8, value, false);
    return this;
  }

  bool(value: boolean): this {
    this.reserve(1).setUint8(this.size - 1, value ? 1 : 0);
    return this;
  }

  /** A jute buffer: int length (-1 for null) then the bytes. */
  buffer(value: Uint8Array | null): this {
    if (value === null) return this.int(-1);
    this.int(value.length);
    return this.raw(value);
  }

  /** Bytes with no length prefix. */
  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.bytes.set(value, this.size - value.length);
    return this;
  }

  /** The record so far. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }

  private reserve(n: number): DataView {
    if (this.size + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.size + n));
      next.set(this.bytes.subarray(0, this.size));
      this.bytes = next;
      this.view = new DataView(next.buffer);
    }
    this.size += n;
    return this.view;
  }
}

/** Reads jute fields from a payload; running past the end throws CNXNSPEC_ERR_FRAME. */
export class RecordReader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  remaining(): number {
    return this.bytes.length - this.at;
  }

  int(): number {
    this.need(4, 'int');
    const value = this.view.getInt32(this.at, false);
    this.at += 4;
    return value;
  }

  long(): bigint {
    this.need(8, 'long');
    const value = this.view.getBigInt64(this.at, false);
    this.at += 8;
    return value;
  }

  bool(): boolean {
    this.need(1, 'boolean');
    return this.view.getUint8(this.at++) !== 0;
  }

  buffer(): Uint8Array | null {
    const len = this.int();
    if (len === -1) return null;
    if (len < 0) throw frameError(`buffer length ${len} is negative`);
    this.need(len, 'buffer');
    const value = this.bytes.slice(this.at, this.at + len);
    this.at += len;
    return value;
  }

  /** The rest of the payload, unparsed. */
  rest(): Uint8Array {
    const value = this.bytes.subarray(this.at);
    this.at = this.bytes.length;
    return value;
  }

  private need(n: number, what: string): void {
    if (this.at + n > this.bytes.length) {
      throw frameError(`record truncated: a ${what} at byte ${this.at} needs ${n} bytes, ${this.remaining()} left`);
    }
  }
}

function frameError(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_FRAME', `${message}; the peer sent a malformed record`);
}

/** Prefixes a payload with its 4-byte big-endian length. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length, false);
  out.set(payload, 4);
  return out;
}

export function encodeConnectRequest(req: ConnectRequest): Uint8Array {
  const w = new RecordWriter()
    .int(req.protocolVersion)
    .long(req.lastZxidSeen)
    .int(req.timeOut)
    .long(req.sessionId)
    .buffer(req.passwd);
  if (req.readOnly !== undefined) w.bool(req.readOnly);
  return w.toBytes();
}

export function decodeConnectRequest(payload: Uint8Array): ConnectRequest {
  const r = new RecordReader(payload);
  const protocolVersion = r.int();
  const lastZxidSeen = r.long();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = r.buffer() ?? new Uint8Array(0);
  // The trailing readOnly byte is optional: clients before 3.4 leave it out.
  const base = { protocolVersion, lastZxidSeen, timeOut, sessionId, passwd };
  return r.remaining() > 0 ? { ...base, readOnly: r.bool() } : base;
}

export function encodeConnectResponse(res: ConnectResponse): Uint8Array {
  const w = new RecordWriter().int(res.protocolVersion).int(res.timeOut).long(res.sessionId).buffer(res.passwd);
  if (res.readOnly !== undefined) w.bool(res.readOnly);
  return w.toBytes();
}

export function decodeConnectResponse(payload: Uint8Array): ConnectResponse {
  const r = new RecordReader(payload);
  const protocolVersion = r.int();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = r.buffer() ?? new Uint8Array(0);
  const base = { protocolVersion, timeOut, sessionId, passwd };
  return r.remaining() > 0 ? { ...base, readOnly: r.bool() } : base;
}

/** A request payload: RequestHeader then an optional body. */
export function encodeRequest(header: RequestHeader, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new RecordWriter().int(header.xid).int(header.type).raw(body).toBytes();
}

export function decodeRequest(payload: Uint8Array): { header: RequestHeader; body: Uint8Array } {
  const r = new RecordReader(payload);
  const header = { xid: r.int(), type: r.int() };
  return { header, body: r.rest() };
}

/** A reply payload: ReplyHeader then an optional body. */
export function encodeReply(header: ReplyHeader, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new RecordWriter().int(header.xid).long(header.zxid).int(header.err).raw(body).toBytes();
}

export function decodeReply(payload: Uint8Array): { header: ReplyHeader; body: Uint8Array } {
  const r = new RecordReader(payload);
  const header = { xid: r.int(), zxid: r.long(), err: r.int() };
  return { header, body: r.rest() };
}

/** The ping request frame: `00000008 FFFFFFFE 0000000B`. */
export function pingFrame(): Uint8Array {
  return frame(encodeRequest({ xid: XID_PING, type: OP_PING }));
}

/** Splits a byte stream into frame payloads; feed it whatever arrives. */
export class FrameSplitter {
  private pending = new Uint8Array(0);

  push(bytes: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending);
    joined.set(bytes, this.pending.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    const view = new DataView(joined.buffer);
    while (joined.length - at >= 4) {
      const len = view.getInt32(at, false);
      if (len < 0) throw frameError(`negative frame length ${len}`);
      if (joined.length - at - 4 < len) break;
      frames.push(joined.slice(at + 4, at + 4 + len));
      at += 4 + len;
    }
    this.pending = joined.slice(at);
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  buffered(): number {
    return this.pending.length;
  }
}
