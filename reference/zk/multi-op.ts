/**
 * multi (op 14): the operations run in order inside one transaction (one zxid for all). The first failure undoes
 * everything the earlier ones did and the reply lists an error result per operation: 0 before the failing one,
 * its code for it, RUNTIMEINCONSISTENCY after it. The ReplyHeader's err stays 0 either way; clients find the
 * failure in the results. Watches fire only when the whole multi succeeds.
 *
 * Implements: zk.data-tree (multi).
 */
import { parseCreateFlags } from './create-mode.ts';
import { Err, KeeperError } from './error-codes.ts';
import { NO_TTL } from './extended-create.ts';
import { MultiRequestCodec, MultiResponseCodec, type MultiOp, type MultiResult } from './multi-records.ts';
import { OpCode } from './op-codes.ts';
import { createNode, needs, txOf, type OpContext, type OpHandler } from './request-ops.ts';
import { Perms } from './acl.ts';
import type { TreeEvent } from './watch-events.ts';

function apply(ctx: OpContext, op: MultiOp, events: TreeEvent[]): MultiResult {
  const tx = txOf(ctx);
  switch (op.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      // ZooKeeper 3.8 rebuilds each create of a multi from its flags alone: TTL flags make a createTTL, flag 4 a
      // createContainer, anything else a plain create (so create2 gets no stat, and createTTL with flag 0 makes a
      // plain node); only createContainer and createTTL results carry a stat, under type create2.
      const mode = parseCreateFlags(op.request.flags, op.request.path);
      const kind = mode.ttl ? OpCode.createTTL : mode.container ? OpCode.createContainer : OpCode.create;
      const created = createNode(ctx, op.request, kind, kind === OpCode.createTTL && op.type === OpCode.createTTL ? op.ttl : NO_TTL);
      events.push(...created.events);
      return kind === OpCode.create ? { type: OpCode.create, path: created.path } : { type: OpCode.create2, path: created.path, stat: created.stat };
    }
    case OpCode.delete:
      events.push(...ctx.tree.delete(op.request.path, op.request.version, tx, needs(ctx, Perms.DELETE, op.request.path)));
      return { type: op.type };
    case OpCode.check:
      ctx.tree.check(op.request.path, op.request.version, needs(ctx, Perms.READ, op.request.path));
      return { type: op.type };
    case OpCode.setData: {
      const changed = ctx.tree.setData(op.request.path, op.request.data, op.request.version, tx, needs(ctx, Perms.WRITE, op.request.path));
      events.push(...changed.events);
      return { type: op.type, stat: changed.stat };
    }
  }
}

function failedResults(count: number, failedAt: number, code: number): MultiResult[] {
  return Array.from({ length: count }, (_, i): MultiResult => ({
    type: OpCode.error,
    err: i < failedAt ? Err.OK : i === failedAt ? code : Err.RUNTIMEINCONSISTENCY,
  }));
}

export const multi: OpHandler = {
  write: true,
  run(ctx, r) {
    const ops = MultiRequestCodec.read(r);
    const events: TreeEvent[] = [];
    let at = 0;
    let results: MultiResult[];
    try {
      results = ctx.tree.atomically(() =>
        ops.map((op, i) => {
          at = i;
          return apply(ctx, op, events);
        }),
      );
    } catch (err) {
      if (!(err instanceof KeeperError)) throw err;
      return { body: (w) => MultiResponseCodec.write(w, failedResults(ops.length, at, err.code)) };
    }
    return { body: (w) => MultiResponseCodec.write(w, results), events };
  },
};
