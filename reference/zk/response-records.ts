/**
 * Reply bodies (what follows a ReplyHeader with err 0) and the WatcherEvent of notifications.
 *
 * Implements: zk.jute-encoding.
 */
import { AclCodec, type Acl } from './acl.ts';
import { listOf, stringList, type RecordCodec } from './record-codec.ts';
import { StatCodec, type Stat } from './stat.ts';

const aclList = listOf(AclCodec);

/** CreateResponse and SyncResponse: {path}. */
export interface PathResponse {
  readonly path: string;
}

export const PathResponseCodec: RecordCodec<PathResponse> = {
  name: 'CreateResponse',
  read: (r) => ({ path: r.string('path') }),
  write: (w, v) => void w.ustring(v.path),
};

export interface Create2Response {
  readonly path: string;
  readonly stat: Stat;
}

export const Create2ResponseCodec: RecordCodec<Create2Response> = {
  name: 'Create2Response',
  read: (r) => ({ path: r.string('path'), stat: StatCodec.read(r) }),
  write: (w, v) => {
    w.ustring(v.path);
    StatCodec.write(w, v.stat);
  },
};

/** ExistsResponse, SetDataResponse, SetACLResponse: {stat}. */
export interface StatResponse {
  readonly stat: Stat;
}

export const StatResponseCodec: RecordCodec<StatResponse> = {
  name: 'SetDataResponse',
  read: (r) => ({ stat: StatCodec.read(r) }),
  write: (w, v) => StatCodec.write(w, v.stat),
};

export interface GetDataResponse {
  readonly data: Uint8Array | null;
  readonly stat: Stat;
}

export const GetDataResponseCodec: RecordCodec<GetDataResponse> = {
  name: 'GetDataResponse',
  read: (r) => ({ data: r.buffer('data'), stat: StatCodec.read(r) }),
  write: (w, v) => {
    w.buffer(v.data);
    StatCodec.write(w, v.stat);
  },
};

export interface GetChildrenResponse {
  readonly children: readonly string[];
}

export const GetChildrenResponseCodec: RecordCodec<GetChildrenResponse> = {
  name: 'GetChildrenResponse',
  read: (r) => ({ children: stringList.read(r) }),
  write: (w, v) => stringList.write(w, [...v.children]),
};

export interface GetChildren2Response {
  readonly children: readonly string[];
  readonly stat: Stat;
}

export const GetChildren2ResponseCodec: RecordCodec<GetChildren2Response> = {
  name: 'GetChildren2Response',
  read: (r) => ({ children: stringList.read(r), stat: StatCodec.read(r) }),
  write: (w, v) => {
    stringList.write(w, [...v.children]);
    StatCodec.write(w, v.stat);
  },
};

export interface GetAclResponse {
  readonly acl: readonly Acl[];
  readonly stat: Stat;
}

export const GetAclResponseCodec: RecordCodec<GetAclResponse> = {
  name: 'GetACLResponse',
  read: (r) => ({ acl: aclList.read(r), stat: StatCodec.read(r) }),
  write: (w, v) => {
    aclList.write(w, [...v.acl]);
    StatCodec.write(w, v.stat);
  },
};

/** ErrorResponse: the result of a failed (or rolled back) operation inside a multi. */
export interface ErrorResponse {
  readonly err: number;
}

export const ErrorResponseCodec: RecordCodec<ErrorResponse> = {
  name: 'ErrorResponse',
  read: (r) => ({ err: r.int('err') }),
  write: (w, v) => void w.int(v.err),
};

export interface WatcherEvent {
  readonly type: number;
  readonly state: number;
  readonly path: string;
}

export const WatcherEventCodec: RecordCodec<WatcherEvent> = {
  name: 'WatcherEvent',
  read: (r) => ({ type: r.int('type'), state: r.int('state'), path: r.string('path') }),
  write: (w, v) => void w.int(v.type).int(v.state).ustring(v.path),
};
