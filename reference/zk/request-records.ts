/**
 * Request bodies (what follows the RequestHeader), as ZooKeeper's jute definitions lay them out. Several
 * requests share a shape, so one codec serves them: {path, watch} for exists, getData, getChildren and
 * getChildren2; {path} for sync and getACL.
 *
 * Implements: zk.jute-encoding.
 */
import { AclCodec, type Acl } from './acl.ts';
import { listOf, stringList, type RecordCodec } from './record-codec.ts';

const aclList = listOf(AclCodec);

export interface CreateRequest {
  readonly path: string;
  readonly data: Uint8Array | null;
  readonly acl: readonly Acl[];
  readonly flags: number;
}

export const CreateRequestCodec: RecordCodec<CreateRequest> = {
  name: 'CreateRequest',
  read: (r) => ({ path: r.path('path'), data: r.buffer('data'), acl: aclList.read(r), flags: r.int('flags') }),
  write: (w, v) => {
    w.ustring(v.path).buffer(v.data);
    aclList.write(w, [...v.acl]);
    w.int(v.flags);
  },
};

/** DeleteRequest and CheckVersionRequest: {path, version}. */
export interface PathVersionRequest {
  readonly path: string;
  readonly version: number;
}

export const PathVersionRequestCodec: RecordCodec<PathVersionRequest> = {
  name: 'DeleteRequest',
  read: (r) => ({ path: r.path('path'), version: r.int('version') }),
  write: (w, v) => void w.ustring(v.path).int(v.version),
};

/** ExistsRequest, GetDataRequest, GetChildrenRequest, GetChildren2Request: {path, watch}. */
export interface PathWatchRequest {
  readonly path: string;
  readonly watch: boolean;
}

export const PathWatchRequestCodec: RecordCodec<PathWatchRequest> = {
  name: 'GetDataRequest',
  read: (r) => ({ path: r.path('path'), watch: r.bool('watch') }),
  write: (w, v) => void w.ustring(v.path).bool(v.watch),
};

/** SyncRequest, GetACLRequest: {path}. */
export interface PathRequest {
  readonly path: string;
}

export const PathRequestCodec: RecordCodec<PathRequest> = {
  name: 'SyncRequest',
  read: (r) => ({ path: r.string('path') }),
  write: (w, v) => void w.ustring(v.path),
};

export interface SetDataRequest {
  readonly path: string;
  readonly data: Uint8Array | null;
  readonly version: number;
}

export const SetDataRequestCodec: RecordCodec<SetDataRequest> = {
  name: 'SetDataRequest',
  read: (r) => ({ path: r.string('path'), data: r.buffer('data'), version: r.int('version') }),
  write: (w, v) => void w.ustring(v.path).buffer(v.data).int(v.version),
};

export interface SetAclRequest {
  readonly path: string;
  readonly acl: readonly Acl[];
  readonly version: number;
}

export const SetAclRequestCodec: RecordCodec<SetAclRequest> = {
  name: 'SetACLRequest',
  read: (r) => ({ path: r.string('path'), acl: aclList.read(r), version: r.int('version') }),
  write: (w, v) => {
    w.ustring(v.path);
    aclList.write(w, [...v.acl]);
    w.int(v.version);
  },
};

/**
 * SetWatches (op 101) and SetWatches2 (op 105): the watches a reconnecting client still holds, relative to the
 * last zxid it saw. SetWatches2 adds persistent and persistent-recursive watches after the three classic lists.
 */
export interface SetWatches {
  readonly relativeZxid: bigint;
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  readonly persistentWatches?: readonly string[];
  readonly persistentRecursiveWatches?: readonly string[];
}

function setWatchesCodec(withPersistent: boolean): RecordCodec<SetWatches> {
  return {
    name: withPersistent ? 'SetWatches2' : 'SetWatches',
    read(r) {
      const base = {
        relativeZxid: r.long('relativeZxid'),
        dataWatches: stringList.read(r),
        existWatches: stringList.read(r),
        childWatches: stringList.read(r),
      };
      if (!withPersistent) return base;
      return { ...base, persistentWatches: stringList.read(r), persistentRecursiveWatches: stringList.read(r) };
    },
    write(w, v) {
      w.long(v.relativeZxid);
      for (const list of [v.dataWatches, v.existWatches, v.childWatches]) stringList.write(w, [...list]);
      if (withPersistent) {
        stringList.write(w, [...(v.persistentWatches ?? [])]);
        stringList.write(w, [...(v.persistentRecursiveWatches ?? [])]);
      }
    },
  };
}

export const SetWatchesCodec = setWatchesCodec(false);
export const SetWatches2Codec = setWatchesCodec(true);

export interface AuthPacket {
  readonly type: number;
  readonly scheme: string;
  readonly auth: Uint8Array | null;
}

export const AuthPacketCodec: RecordCodec<AuthPacket> = {
  name: 'AuthPacket',
  read: (r) => ({ type: r.int('type'), scheme: r.string('scheme'), auth: r.buffer('auth') }),
  write: (w, v) => void w.int(v.type).ustring(v.scheme).buffer(v.auth),
};
