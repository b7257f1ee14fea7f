/**
 * Headers: every request after the ConnectRequest starts with RequestHeader{int xid, int type}; every reply
 * with ReplyHeader{int xid, long zxid, int err}, followed by a body only when err is 0. Inside a multi, each
 * operation and each result is preceded by MultiHeader{int type, boolean done, int err}; a header with
 * done = true (type -1, err -1) ends the list.
 *
 * Implements: zk.jute-encoding.
 */
import type { RecordCodec } from './record-codec.ts';

export interface RequestHeader {
  readonly xid: number;
  readonly type: number;
}

export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
}

export interface MultiHeader {
  readonly type: number;
  readonly done: boolean;
  readonly err: number;
}

export const RequestHeaderCodec: RecordCodec<RequestHeader> = {
  name: 'RequestHeader',
  read: (r) => ({ xid: r.int('xid'), type: r.int('type') }),
  write: (w, v) => void w.int(v.xid).int(v.type),
};

export const ReplyHeaderCodec: RecordCodec<ReplyHeader> = {
  name: 'ReplyHeader',
  read: (r) => ({ xid: r.int('xid'), zxid: r.long('zxid'), err: r.int('err') }),
  write: (w, v) => void w.int(v.xid).long(v.zxid).int(v.err),
};

export const MultiHeaderCodec: RecordCodec<MultiHeader> = {
  name: 'MultiHeader',
  read: (r) => ({ type: r.int('type'), done: r.bool('done'), err: r.int('err') }),
  write: (w, v) => void w.int(v.type).bool(v.done).int(v.err),
};

/** The header that ends the operations of a multi request and the results of its response. */
export const MULTI_END: MultiHeader = { type: -1, done: true, err: -1 };
