/**
 * Multi (op 14): a list of write operations applied all or nothing.
 *
 *   request:  (MultiHeader{type, done=false, err=-1} + the op's request record)* + MultiHeader{-1, true, -1}
 *   response: (MultiHeader{type, done=false, err} + the op's result record)*     + MultiHeader{-1, true, -1}
 *
 * Operations: create (1) and create2 (15) with a CreateRequest, delete (2) with {path, version}, setData (5),
 * check (13) with {path, version}. Results: create -> {path}, create2 -> {path, stat}, delete and check -> nothing,
 * setData -> {stat}, and type -1 (error) -> ErrorResponse{err}. When the multi fails every result is an error
 * result: 0 for the operations before the failing one, its code for it, RUNTIMEINCONSISTENCY (-2) after it.
 * Any other operation type makes the whole request malformed (ZooKeeper: "invalid type of op").
 *
 * Implements: zk.jute-encoding, zk.data-tree (multi).
 */
import { malformed } from './jute-error.ts';
import type { JuteReader } from './jute-reader.ts';
import type { JuteWriter } from './jute-writer.ts';
import { MULTI_END, MultiHeaderCodec } from './header-records.ts';
import { OpCode } from './op-codes.ts';
import type { RecordCodec } from './record-codec.ts';
import { CreateRequestCodec, PathVersionRequestCodec, SetDataRequestCodec, type CreateRequest, type PathVersionRequest, type SetDataRequest } from './request-records.ts';
import { StatCodec, type Stat } from './stat.ts';

export type MultiOp =
  | { readonly type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer; readonly request: CreateRequest }
  | { readonly type: typeof OpCode.createTTL; readonly request: CreateRequest; readonly ttl: bigint }
  | { readonly type: typeof OpCode.delete | typeof OpCode.check; readonly request: PathVersionRequest }
  | { readonly type: typeof OpCode.setData; readonly request: SetDataRequest };

export type MultiResult =
  | { readonly type: typeof OpCode.create; readonly path: string }
  | { readonly type: typeof OpCode.create2; readonly path: string; readonly stat: Stat }
  | { readonly type: typeof OpCode.delete | typeof OpCode.check }
  | { readonly type: typeof OpCode.setData; readonly stat: Stat }
  | { readonly type: typeof OpCode.error; readonly err: number };

function readOp(r: JuteReader, type: number): MultiOp {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      return { type, request: CreateRequestCodec.read(r) };
    case OpCode.createTTL:
      return { type, request: CreateRequestCodec.read(r), ttl: r.long('ttl') };
    case OpCode.delete:
    case OpCode.check:
      return { type, request: PathVersionRequestCodec.read(r) };
    case OpCode.setData:
      return { type, request: SetDataRequestCodec.read(r) };
    default:
      throw malformed(`multi: operation type ${type} is not one of create, create2, createContainer, createTTL, delete, setData, check`);
  }
}

function writeOp(w: JuteWriter, op: MultiOp): void {
  MultiHeaderCodec.write(w, { type: op.type, done: false, err: -1 });
  switch (op.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      CreateRequestCodec.write(w, op.request);
      break;
    case OpCode.createTTL:
      CreateRequestCodec.write(w, op.request);
      w.long(op.ttl);
      break;
    case OpCode.setData:
      SetDataRequestCodec.write(w, op.request);
      break;
    default:
      PathVersionRequestCodec.write(w, op.request);
  }
}

/** Reads headers until `done`; a payload that ends first is truncated (the reader throws). */
function readUntilDone<T>(r: JuteReader, item: (r: JuteReader, type: number, err: number) => T): T[] {
  const items: T[] = [];
  for (;;) {
    const header = MultiHeaderCodec.read(r);
    if (header.done) return items;
    items.push(item(r, header.type, header.err));
  }
}

export const MultiRequestCodec: RecordCodec<MultiOp[]> = {
  name: 'MultiOperationRecord',
  read: (r) => readUntilDone(r, (e, type) => readOp(e, type)),
  write: (w, ops) => {
    for (const op of ops) writeOp(w, op);
    MultiHeaderCodec.write(w, MULTI_END);
  },
};

function readResult(r: JuteReader, type: number): MultiResult {
  switch (type) {
    case OpCode.create:
      return { type, path: r.string('path') };
    case OpCode.create2:
      return { type, path: r.string('path'), stat: StatCodec.read(r) };
    case OpCode.delete:
    case OpCode.check:
      return { type };
    case OpCode.setData:
      return { type, stat: StatCodec.read(r) };
    case OpCode.error:
      return { type, err: r.int('err') };
    default:
      throw malformed(`multi response: result type ${type} is unknown`);
  }
}

function writeResult(w: JuteWriter, result: MultiResult): void {
  const err = result.type === OpCode.error ? result.err : 0;
  MultiHeaderCodec.write(w, { type: result.type, done: false, err });
  switch (result.type) {
    case OpCode.create:
      w.ustring(result.path);
      break;
    case OpCode.create2:
      w.ustring(result.path);
      StatCodec.write(w, result.stat);
      break;
    case OpCode.setData:
      StatCodec.write(w, result.stat);
      break;
    case OpCode.error:
      w.int(result.err);
      break;
    default:
      break;
  }
}

export const MultiResponseCodec: RecordCodec<MultiResult[]> = {
  name: 'MultiResponse',
  read: (r) => readUntilDone(r, (e, type) => readResult(e, type)),
  write: (w, results) => {
    for (const result of results) writeResult(w, result);
    MultiHeaderCodec.write(w, MULTI_END);
  },
};
