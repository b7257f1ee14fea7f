/**
 * multiRead (op 22, ZooKeeper 3.6+): getChildren and getData operations answered together, each on its own.
 * Request: MultiOperationRecord (headers {type, done, err} then each op's record, up to a done header).
 * Reply: per op a header and GetChildrenResponse / GetDataResponse, or header {-1, false, code} + ErrorResponse
 * for an op that failed (NONODE, ...): one failure does not stop the others. As in ZooKeeper 3.8:
 * - the watch flags are ignored: multiRead sets no watches;
 * - each read needs READ on its node, as alone: NOAUTH fails that read only;
 * - an op type multi knows but multiRead does not (create, delete, setData, check) is MARSHALLINGERROR, with the
 *   results so far as body; a type multi does not know at all fails the decoding: MARSHALLINGERROR, no body.
 *
 * Implements: zk.multi-read.
 */
import { Err, KeeperError } from './error-codes.ts';
import { MULTI_END, MultiHeaderCodec } from './header-records.ts';
import { malformed } from './jute-error.ts';
import type { JuteReader } from './jute-reader.ts';
import type { JuteWriter } from './jute-writer.ts';
import { OpCode } from './op-codes.ts';
import { stringList } from './record-codec.ts';
import { CreateRequestCodec, PathVersionRequestCodec, SetDataRequestCodec } from './request-records.ts';
import { checkRead, type OpContext, type OpHandler } from './request-ops.ts';
import { GetDataResponseCodec } from './response-records.ts';

type ReadOp = { readonly type: number; readonly path?: string };

function readOps(r: JuteReader): ReadOp[] {
  const ops: ReadOp[] = [];
  for (;;) {
    const header = MultiHeaderCodec.read(r);
    if (header.done) return ops;
    switch (header.type) {
      case OpCode.getChildren:
      case OpCode.getData: {
        const path = r.string('path');
        r.bool('watch');
        ops.push({ type: header.type, path });
        break;
      }
      case OpCode.create:
      case OpCode.create2:
        CreateRequestCodec.read(r);
        ops.push({ type: header.type });
        break;
      case OpCode.delete:
      case OpCode.check:
        PathVersionRequestCodec.read(r);
        ops.push({ type: header.type });
        break;
      case OpCode.setData:
        SetDataRequestCodec.read(r);
        ops.push({ type: header.type });
        break;
      default:
        throw malformed(`multiRead: operation type ${header.type} is unknown`);
    }
  }
}

function answer(ctx: OpContext, op: ReadOp, path: string): (w: JuteWriter) => void {
  const key = path === '' ? '/' : path;
  try {
    // Each read checks READ as it would alone (NONODE first, then NOAUTH), and fails on its own.
    checkRead(ctx, key);
    if (op.type === OpCode.getChildren) {
      const { children } = ctx.tree.getChildren(key);
      return (w) => {
        MultiHeaderCodec.write(w, { type: op.type, done: false, err: 0 });
        stringList.write(w, children);
      };
    }
    const { data, stat } = ctx.tree.getData(key);
    return (w) => {
      MultiHeaderCodec.write(w, { type: op.type, done: false, err: 0 });
      GetDataResponseCodec.write(w, { data, stat });
    };
  } catch (err) {
    if (!(err instanceof KeeperError)) throw err;
    return (w) => {
      MultiHeaderCodec.write(w, { type: OpCode.error, done: false, err: err.code });
      w.int(err.code);
    };
  }
}

export const multiRead: OpHandler = {
  write: false,
  run(ctx, r) {
    const ops = readOps(r);
    const results: ((w: JuteWriter) => void)[] = [];
    const body = (w: JuteWriter) => {
      for (const result of results) result(w);
      MultiHeaderCodec.write(w, MULTI_END);
    };
    for (const op of ops) {
      if (op.path === undefined) return { body, err: Err.MARSHALLINGERROR };
      results.push(answer(ctx, op, op.path));
    }
    return { body };
  },
};
