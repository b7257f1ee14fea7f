/**
 * The data operations: one handler per op code, from the request body to the reply body and the tree events the
 * operation causes. A handler throws KeeperError for an expected failure (the reply then carries the code and no
 * body) and JuteError for a body it cannot decode (ZooKeeper answers those with MARSHALLINGERROR).
 *
 * Write operations (`write: true`) run inside a transaction whose zxid the server draws before decoding, so a
 * failed write uses up a zxid as it does in ZooKeeper. Watches are set only by reads that succeed, except
 * exists, which sets its watch on a missing path too (that is how a client waits for a node to appear).
 *
 * Multi and setWatches live in their own files; ping, closeSession, auth and unknown op codes are the server's.
 *
 * Each operation checks the client's permission where ZooKeeper does (access-control.ts lists which and when).
 *
 * Implements: zk.data-tree, zk.watches (registration), zk.acl-enforcement.
 */
import type { AccessControl } from './access-control.ts';
import type { ClientConnection } from './client-connection.ts';
import type { CreateResult, DataTree, Tx } from './data-tree.ts';
import { fixupAcl } from './acl-fixup.ts';
import { parseCreateFlags } from './create-mode.ts';
import { checkTtl, NO_TTL, ownerFor } from './extended-create.ts';
import { OpCode } from './op-codes.ts';
import { checkPathShape, validatePath } from './zk-path.ts';
import { Err, KeeperError } from './error-codes.ts';
import type { JuteReader } from './jute-reader.ts';
import type { JuteWriter } from './jute-writer.ts';
import { AclCodec, Perms, type Acl } from './acl.ts';
import { listOf, stringList } from './record-codec.ts';
import {
  CreateRequestCodec,
  type CreateRequest,
  PathRequestCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  SetAclRequestCodec,
  SetDataRequestCodec,
} from './request-records.ts';
import { Create2ResponseCodec, GetDataResponseCodec, PathResponseCodec, StatResponseCodec } from './response-records.ts';
import { StatCodec } from './stat.ts';
import type { WatchManager } from './watch-manager.ts';
import type { TreeEvent } from './watch-events.ts';

export interface OpContext {
  readonly tree: DataTree;
  readonly watches: WatchManager<ClientConnection>;
  /** The requesting connection: its session owns ephemerals, and it is the watcher of the watches it sets. */
  readonly client: ClientConnection;
  /** The transaction of a write operation (undefined for reads). */
  readonly tx: Tx | undefined;
  /** Who may do what (access-control.ts). */
  readonly access: AccessControl;
  /** `zookeeper.extendedTypesEnabled`: whether TTL nodes may be created (off when absent). */
  readonly extendedTypesEnabled?: boolean;
}

export interface OpOutcome {
  /** Writes the reply body (only sent when the operation succeeded). */
  readonly body?: (w: JuteWriter) => void;
  /** Tree changes: they fire the watches of every connection. */
  readonly events?: readonly TreeEvent[];
  /** Notifications for the requesting connection alone, sent before its reply (setWatches). */
  readonly direct?: readonly TreeEvent[];
  /** The reply's error code when it still carries `body` (multiRead's MARSHALLINGERROR with partial results). */
  readonly err?: number;
  /** No reply at all (ZooKeeper's answer to a check outside a multi). */
  readonly noReply?: true;
  /** No reply, and the connection closes for this reason (ZooKeeper failing on a request outside its pipeline). */
  readonly refuse?: string;
}

export interface OpHandler {
  readonly write: boolean;
  run(ctx: OpContext, r: JuteReader): OpOutcome;
}

const aclList = listOf(AclCodec);

export function txOf(ctx: OpContext): Tx {
  if (ctx.tx === undefined) throw new Error('a write operation ran without a transaction');
  return ctx.tx;
}

/** The guard a tree operation runs at ZooKeeper's point: NOAUTH unless the client holds `perm` on that ACL. */
export function needs(ctx: OpContext, perm: number, path: string): (acl: readonly Acl[]) => void {
  return (acl) => ctx.access.check(ctx.client.authIds, acl, perm, path);
}

/** A read's ACL check: NONODE first, then NOAUTH unless the client holds `perm`. */
export function checkRead(ctx: OpContext, path: string, perm: number = Perms.READ): void {
  ctx.access.check(ctx.client.authIds, ctx.tree.getAcl(path).acl, perm, path);
}

/**
 * A create, alone or in a multi: flags and TTL, path shape, then the ACL (INVALIDACL), then the tree's checks.
 * `op` (create, create2, createContainer or createTTL) decides with the flags what kind of node it makes.
 */
export function createNode(ctx: OpContext, req: CreateRequest, op: number = OpCode.create, ttl: bigint = NO_TTL): CreateResult {
  const mode = parseCreateFlags(req.flags, req.path);
  checkTtl(op, mode, ttl, req.path, ctx.extendedTypesEnabled ?? false);
  checkPathShape(req.path);
  const acl = fixupAcl(req.acl, ctx.client.authIds, req.path);
  return ctx.tree.create(req.path, req.data, acl, req.flags, ctx.client.sessionId, txOf(ctx), needs(ctx, Perms.CREATE, req.path), ownerFor(op, mode, ttl, ctx.client.sessionId));
}

/** Reads name the root '' as ZooKeeper's tree keys it; every other path is looked up as given. */
function readKey(path: string): string {
  return path === '' ? '/' : path;
}

/** create (1) and create2 (15); also createContainer (19) and createTTL (21), which read a TTL after the request. */
export function create(withStat: boolean, op: number = withStat ? OpCode.create2 : OpCode.create): OpHandler {
  return {
    write: true,
    run(ctx, r) {
      const req = CreateRequestCodec.read(r);
      const result = createNode(ctx, req, op, op === OpCode.createTTL ? r.long('ttl') : NO_TTL);
      const body = withStat
        ? (w: JuteWriter) => Create2ResponseCodec.write(w, { path: result.path, stat: result.stat })
        : (w: JuteWriter) => PathResponseCodec.write(w, { path: result.path });
      return { body, events: result.events };
    },
  };
}

const remove: OpHandler = {
  write: true,
  run(ctx, r) {
    const req = PathVersionRequestCodec.read(r);
    return { events: ctx.tree.delete(req.path, req.version, txOf(ctx), needs(ctx, Perms.DELETE, req.path)) };
  },
};

const setData: OpHandler = {
  write: true,
  run(ctx, r) {
    const req = SetDataRequestCodec.read(r);
    const { stat, events } = ctx.tree.setData(req.path, req.data, req.version, txOf(ctx), needs(ctx, Perms.WRITE, req.path));
    return { body: (w) => StatResponseCodec.write(w, { stat }), events };
  },
};

const setAcl: OpHandler = {
  write: true,
  run(ctx, r) {
    const req = SetAclRequestCodec.read(r);
    validatePath(req.path);
    const acl = fixupAcl(req.acl, ctx.client.authIds, req.path);
    const stat = ctx.tree.setAcl(req.path, acl, req.version, needs(ctx, Perms.ADMIN, req.path));
    return { body: (w) => StatResponseCodec.write(w, { stat }) };
  },
};

const exists: OpHandler = {
  write: false,
  run(ctx, r) {
    const req = PathWatchRequestCodec.read(r);
    if (req.path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, 'a path with NUL');
    if (req.watch) ctx.watches.add('data', req.path, ctx.client);
    const stat = ctx.tree.exists(readKey(req.path));
    if (stat === undefined) throw new KeeperError(Err.NONODE, req.path);
    return { body: (w) => StatCodec.write(w, stat) };
  },
};

const getData: OpHandler = {
  write: false,
  run(ctx, r) {
    const req = PathWatchRequestCodec.read(r);
    checkRead(ctx, readKey(req.path));
    const { data, stat } = ctx.tree.getData(readKey(req.path));
    if (req.watch) ctx.watches.add('data', req.path, ctx.client);
    return { body: (w) => GetDataResponseCodec.write(w, { data, stat }) };
  },
};

function getChildren(withStat: boolean): OpHandler {
  return {
    write: false,
    run(ctx, r) {
      const req = PathWatchRequestCodec.read(r);
      checkRead(ctx, readKey(req.path));
      const { children, stat } = ctx.tree.getChildren(readKey(req.path));
      if (req.watch) ctx.watches.add('child', req.path, ctx.client);
      return {
        body: (w) => {
          stringList.write(w, children);
          if (withStat) StatCodec.write(w, stat);
        },
      };
    },
  };
}

const getAcl: OpHandler = {
  write: false,
  run(ctx, r) {
    const path = readKey(r.path());
    checkRead(ctx, path, Perms.READ | Perms.ADMIN);
    const { acl, stat } = ctx.tree.getAcl(path);
    const shown = ctx.access.visibleAcl(ctx.client.authIds, acl);
    return {
      body: (w) => {
        aclList.write(w, [...shown]);
        StatCodec.write(w, stat);
      },
    };
  },
};

/** Standalone, every read already sees every write: sync only echoes its path. */
const sync: OpHandler = {
  write: false,
  run(_ctx, r) {
    const { path } = PathRequestCodec.read(r);
    return { body: (w) => PathResponseCodec.write(w, { path }) };
  },
};

export const DATA_OPS = {
  create: create(false),
  create2: create(true),
  delete: remove,
  setData,
  setAcl,
  exists,
  getData,
  getChildren: getChildren(false),
  getChildren2: getChildren(true),
  getAcl,
  sync,
} as const;
