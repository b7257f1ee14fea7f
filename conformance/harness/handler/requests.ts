/**
 * The requests the conformance handler gives a meaning to, and the bytes it answers each with. ZooKeeper's op
 * numbers carry harness meanings here (the handler is not a data tree): what matters to a factory is the shape of
 * the work behind a frame (answered at once, later, from another thread, never, or followed by a close).
 * The scripted peers build their requests with these functions and the answer model (expected-replies.ts) reads
 * the same table, so what a peer expects is exactly what the handler sends.
 */
import { encodeReply, encodeRequest, frame, OP_CLOSE_SESSION, XID_PING } from '../../../reference/server/frames.ts';

/** What a request asks of the handler. */
export type RequestKind =
  /** Reply: the header and the body echoed. */
  | 'echo'
  /** As echo, after the handler's thread sleeps the virtual ms named in the first body byte (x 5). */
  | 'slow'
  /** processPacket throws: the factory must survive it (closing the connection is allowed). */
  | 'fail'
  /** Reply, then the handler closes the connection at once from its thread (queued output may be lost). */
  | 'kick'
  /** closeAfterFlush, after a reply when the body is not empty: the client sees everything, then the close. */
  | 'bye';

/** ZooKeeper op codes used as carriers: exists, getData, setData, delete, create. */
export const OP_OF: Readonly<Record<RequestKind, number>> = { echo: 3, slow: 4, fail: 5, kick: 2, bye: 1 };
const KIND_OF = new Map<number, RequestKind>(Object.entries(OP_OF).map(([kind, op]) => [op, kind as RequestKind]));

export function kindOf(op: number): RequestKind | undefined {
  return KIND_OF.get(op);
}

/** Virtual ms a slow request sleeps per unit of its first body byte. */
export const SLOW_MS_PER_UNIT = 5;

/** A request body: `size` bytes that depend on the xid, so a byte moved between frames shows. */
export function requestBody(xid: number, size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (xid * 31 + i * 7) & 0xff);
}

/** The longest a slow request sleeps. */
export const SLOWEST_MS = 19 * SLOW_MS_PER_UNIT;

/** How long the handler sleeps for a slow request with this body (0 to SLOWEST_MS). */
export function slowMs(body: Uint8Array): number {
  return ((body[0] ?? 0) % 20) * SLOW_MS_PER_UNIT;
}

export function requestFrame(kind: RequestKind, xid: number, size: number): Uint8Array {
  return frame(encodeRequest({ xid, type: OP_OF[kind] }, requestBody(xid, size)));
}

export function closeSessionFrame(xid: number): Uint8Array {
  return frame(encodeRequest({ xid, type: OP_CLOSE_SESSION }));
}

/** The reply frame the handler sends for a request (none for fail; the bare header for an empty bye). */
export function replyFrame(kind: RequestKind, xid: number, body: Uint8Array): Uint8Array | undefined {
  if (kind === 'fail') return undefined;
  if (kind === 'bye') return body.length > 0 ? frame(encodeReply({ xid, zxid: 0n, err: 0 })) : undefined;
  if (kind === 'kick') return frame(encodeReply({ xid, zxid: 0n, err: 0 }));
  return frame(encodeReply({ xid, zxid: 0n, err: 0 }, body));
}

export function pingReplyFrame(): Uint8Array {
  return frame(encodeReply({ xid: XID_PING, zxid: 0n, err: 0 }));
}

export function closeSessionReplyFrame(xid: number): Uint8Array {
  return frame(encodeReply({ xid, zxid: 0n, err: 0 }));
}
