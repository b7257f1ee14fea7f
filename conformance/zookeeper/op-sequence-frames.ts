/**
 * The wire side of an op sequence (op-sequence.ts): each operation as a request frame, and each reply body decoded
 * back into plain values, both with the reference's own record codecs (a client's view of the same records the
 * server reads and writes), so there is one jute codec in the project.
 */
import type { Acl } from '../../reference/zk/acl.ts';
import { MultiHeaderCodec } from '../../reference/zk/header-records.ts';
import type { JuteReader } from '../../reference/zk/jute-reader.ts';
import type { JuteWriter } from '../../reference/zk/jute-writer.ts';
import { MultiRequestCodec, MultiResponseCodec, type MultiOp } from '../../reference/zk/multi-records.ts';
import { OpCode, Xid } from '../../reference/zk/op-codes.ts';
import { stringList } from '../../reference/zk/record-codec.ts';
import {
  AuthPacketCodec,
  CreateRequestCodec,
  PathRequestCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  SetAclRequestCodec,
  SetDataRequestCodec,
} from '../../reference/zk/request-records.ts';
import {
  Create2ResponseCodec,
  ErrorResponseCodec,
  GetAclResponseCodec,
  GetChildren2ResponseCodec,
  GetChildrenResponseCodec,
  GetDataResponseCodec,
  PathResponseCodec,
  StatResponseCodec,
} from '../../reference/zk/response-records.ts';
import { StatCodec } from '../../reference/zk/stat.ts';
import { requestFrame } from '../../reference/zk/test-support.ts';
import type { AclEntry } from './request-frames.ts';
import type { CreateOpName, CreateSpec, Data, MultiSub, ZkOp } from './op-sequence.ts';

const CREATE_CODES: Readonly<Record<CreateOpName, number>> = { create: OpCode.create, create2: OpCode.create2, createContainer: OpCode.createContainer, createTTL: OpCode.createTTL };
const READ_CODES = { exists: OpCode.exists, getData: OpCode.getData, getChildren: OpCode.getChildren, getChildren2: OpCode.getChildren2 } as const;

const bytes = (d: Data): Uint8Array | null => (d === null ? null : new TextEncoder().encode(d));
const acls = (entries: readonly AclEntry[]): Acl[] => entries.map(([perms, scheme, id]) => ({ perms, id: { scheme, id: String(id) } }));

/** Turns a sequence's relative path into the absolute one this play uses. */
export type PathResolver = (relative: string) => string;

function createRequest(c: CreateSpec, at: PathResolver) {
  return { path: at(c.path), data: bytes(c.data), acl: acls(c.acl), flags: c.flags };
}

function multiOp(sub: MultiSub, at: PathResolver): MultiOp {
  switch (sub.kind) {
    case 'create':
      if (sub.op === 'createTTL') return { type: OpCode.createTTL, request: createRequest(sub, at), ttl: sub.ttl ?? -1n };
      return { type: CREATE_CODES[sub.op] as typeof OpCode.create, request: createRequest(sub, at) };
    case 'delete':
      return { type: OpCode.delete, request: { path: at(sub.path), version: sub.version } };
    case 'check':
      return { type: OpCode.check, request: { path: at(sub.path), version: sub.version } };
    case 'setData':
      return { type: OpCode.setData, request: { path: at(sub.path), data: bytes(sub.data), version: sub.version } };
  }
}

/** The op code and body writer of one operation; paths resolved with `at`. */
function requestOf(op: ZkOp, at: PathResolver): [number, ((w: JuteWriter) => void)?] {
  switch (op.kind) {
    case 'create':
      return [
        CREATE_CODES[op.op],
        (w) => {
          CreateRequestCodec.write(w, createRequest(op, at));
          if (op.op === 'createTTL') w.long(op.ttl ?? -1n);
        },
      ];
    case 'delete':
      return [OpCode.delete, (w) => PathVersionRequestCodec.write(w, { path: at(op.path), version: op.version })];
    case 'checkVersion':
      return [OpCode.check, (w) => PathVersionRequestCodec.write(w, { path: at(op.path), version: op.version })];
    case 'setData':
      return [OpCode.setData, (w) => SetDataRequestCodec.write(w, { path: at(op.path), data: bytes(op.data), version: op.version })];
    case 'read':
      return [READ_CODES[op.op], (w) => PathWatchRequestCodec.write(w, { path: at(op.path), watch: op.watch })];
    case 'addWatch':
      return [OpCode.addWatch, (w) => void w.ustring(at(op.path)).int(op.mode)];
    case 'removeWatches':
    case 'checkWatches':
      return [op.kind === 'removeWatches' ? OpCode.removeWatches : OpCode.checkWatches, (w) => void w.ustring(at(op.path)).int(op.type)];
    case 'multi':
      return [OpCode.multi, (w) => MultiRequestCodec.write(w, op.ops.map((sub) => multiOp(sub, at)))];
    case 'multiRead':
      // The same MultiHeader framing as multi, with getChildren/getData records inside.
      return [
        OpCode.multiRead,
        (w) => {
          for (const [kind, p] of op.ops) {
            MultiHeaderCodec.write(w, { type: READ_CODES[kind], done: false, err: -1 });
            PathWatchRequestCodec.write(w, { path: at(p), watch: false });
          }
          MultiHeaderCodec.write(w, { type: -1, done: true, err: -1 });
        },
      ];
    case 'sync':
      return [OpCode.sync, (w) => PathRequestCodec.write(w, { path: at(op.path) })];
    case 'getAllChildrenNumber':
      return [OpCode.getAllChildrenNumber, (w) => PathRequestCodec.write(w, { path: at(op.path) })];
    case 'getACL':
      return [OpCode.getACL, (w) => PathRequestCodec.write(w, { path: at(op.path) })];
    case 'getEphemerals':
      return [OpCode.getEphemerals, (w) => PathRequestCodec.write(w, { path: op.prefix === '/' ? '/' : at(op.prefix) })];
    case 'setACL':
      return [OpCode.setACL, (w) => SetAclRequestCodec.write(w, { path: at(op.path), acl: acls(op.acl), version: op.version })];
    case 'closeSession':
      return [OpCode.closeSession];
    case 'auth':
      return [OpCode.auth, (w) => AuthPacketCodec.write(w, { type: 0, scheme: 'digest', auth: new TextEncoder().encode(op.credentials) })];
  }
}

/** The xid an operation travels with: its own, but auth packets carry the auth xid. */
export function wireXid(op: ZkOp, xid: number): number {
  return op.kind === 'auth' ? Xid.auth : xid;
}

export function opFrame(op: ZkOp, xid: number, at: PathResolver): Uint8Array {
  const [type, body] = requestOf(op, at);
  return requestFrame(wireXid(op, xid), type, body);
}

/** A decoded reply body: records as plain objects (Stat fields as bigint until normalised). */
export type Body = unknown;

function readMultiRead(r: JuteReader): Body[] {
  const results: Body[] = [];
  for (;;) {
    const header = MultiHeaderCodec.read(r);
    if (header.done) return results;
    if (header.type === OpCode.error) results.push({ err: ErrorResponseCodec.read(r).err });
    else if (header.type === OpCode.getChildren) results.push({ children: stringList.read(r) });
    else results.push(GetDataResponseCodec.read(r));
  }
}

/** The body of a successful reply to `op`, as the client library would decode it. */
export function decodeBody(op: ZkOp, r: JuteReader): Body {
  switch (op.kind) {
    case 'create':
      return op.op === 'create' ? PathResponseCodec.read(r) : Create2ResponseCodec.read(r);
    case 'setData':
    case 'setACL':
      return StatResponseCodec.read(r);
    case 'read':
      if (op.op === 'exists') return StatCodec.read(r);
      if (op.op === 'getData') return GetDataResponseCodec.read(r);
      return op.op === 'getChildren' ? GetChildrenResponseCodec.read(r) : GetChildren2ResponseCodec.read(r);
    case 'addWatch':
      return ErrorResponseCodec.read(r);
    case 'multi':
      return MultiResponseCodec.read(r);
    case 'multiRead':
      return readMultiRead(r);
    case 'sync':
      return PathResponseCodec.read(r);
    case 'getAllChildrenNumber':
      return { total: r.int('totalNumber') };
    case 'getEphemerals':
      return { ephemerals: stringList.read(r) };
    case 'getACL':
      return GetAclResponseCodec.read(r);
    default:
      return r.remaining() === 0 ? undefined : { unexpectedBytes: r.remaining() };
  }
}
