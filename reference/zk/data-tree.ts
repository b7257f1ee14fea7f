/**
 * DataTree: the in-memory znode tree, its zxid counter and the ephemeral nodes of each session.
 *
 * Every mutation takes the zxid and the time of its transaction from the caller (the server draws one zxid per
 * write request, as ZooKeeper does, failed writes included) and returns the tree events it causes, which the
 * server hands to the WatchManager. Failures throw KeeperError with ZooKeeper's code, checked in ZooKeeper's
 * order (e.g. a create of an existing path under an ephemeral parent is NODEEXISTS, not NOCHILDRENFOREPHEMERALS).
 *
 * `atomically(fn)` records an undo step for every mutation made inside `fn` and replays them backwards if `fn`
 * throws, which is how multi is all or nothing.
 *
 * The tree starts as a ZooKeeper standalone server's: `/`, `/zookeeper`, `/zookeeper/quota`, `/zookeeper/config`.
 * ACLs are stored here and checked by the caller's guard (see access-control.ts); quota statistics by quota-stats.ts.
 *
 * Implements: zk.data-tree.
 */
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, type Acl } from './acl.ts';
import { parseCreateFlags, sequenceSuffix } from './create-mode.ts';
import { Err, KeeperError } from './error-codes.ts';
import { QuotaStats } from './quota-stats.ts';
import type { Stat } from './stat.ts';
import { EventType, type TreeEvent } from './watch-events.ts';
import { javaChildrenOrder, javaHashSetCloneOrder } from './java-hash-order.ts';
import { checkPathShape, childPath, nameOf, parentOf, validatePath } from './zk-path.ts';

type MutableStat = { -readonly [K in keyof Stat]: Stat[K] };

interface ZNode {
  data: Uint8Array | null;
  acl: readonly Acl[];
  stat: MutableStat;
  readonly children: Set<string>;
  /** The most children the node ever had at once: its Java set's table never shrinks, so its order depends on it. */
  childPeak?: number;
  /** The children in listing order, kept until they change: a large node is listed far more often than changed. */
  listed?: readonly string[];
  /**
   * Children ever created here: the next sequential suffix. ZooKeeper 3.8 numbers from it, not from the cversion
   * clients see, which deletes raise too (measured: create, delete, create gives suffixes 0 and 1, cversion 3).
   */
  creates?: number;
}

export interface CreateResult {
  readonly path: string;
  readonly stat: Stat;
  readonly events: readonly TreeEvent[];
}

/** An ACL check the caller runs at ZooKeeper's point in an operation: it gets the ACL to check and throws NOAUTH. */
export type AclGuard = (acl: readonly Acl[]) => void;

export interface Tx {
  readonly zxid: bigint;
  /** ctime/mtime for nodes this transaction touches: ms since the epoch. */
  readonly time: bigint;
}

const BUILT_IN = ['/zookeeper', '/zookeeper/quota', '/zookeeper/config'];

function emptyStat(): MutableStat {
  return {
    czxid: 0n,
    mzxid: 0n,
    ctime: 0n,
    mtime: 0n,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    dataLength: 0,
    numChildren: 0,
    pzxid: 0n,
  };
}

/** What clients see: containers and TTL nodes show ephemeralOwner 0, as ZooKeeper hides their marks. */
function clientStat(stat: Stat): Stat {
  return stat.ephemeralOwner < 0n ? { ...stat, ephemeralOwner: 0n } : { ...stat };
}

function versionMatches(expected: number, actual: number): boolean {
  return expected === -1 || expected === actual;
}

export class DataTree {
  private readonly nodes = new Map<string, ZNode>();
  private readonly ephemerals = new Map<bigint, Set<string>>();
  /** The most ephemerals each session has held at once: ZooKeeper's per-session HashSet never shrinks its table. */
  private readonly ephemeralPeaks = new Map<bigint, number>();
  private zxid = 0n;
  private undoLog: (() => void)[] | null = null;
  /** Statistics of the paths limited under /zookeeper/quota; the server sets its logger and enforcement. */
  readonly quotas = new QuotaStats({
    data: (path) => this.nodes.get(path)?.data,
    rewrite: (path, data) => this.rewrite(path, data),
    subtree: (path) => this.subtree(path),
  });

  constructor() {
    this.nodes.set('/', { data: null, acl: OPEN_ACL_UNSAFE, stat: emptyStat(), children: new Set() });
    for (const path of BUILT_IN) this.attach(path, { data: new Uint8Array(0), acl: OPEN_ACL_UNSAFE, stat: emptyStat(), children: new Set() });
    // As a fresh ZooKeeper 3.8 shows them: the root's data is empty (not null); /zookeeper/config is world-readable
    // only, with aversion -1. ZooKeeper keeps a count of child creates and reports cversion as 2 x creates - children,
    // so a node whose children were put there without a create starts below 0: the root at -1, /zookeeper at -2.
    this.need('/').data = new Uint8Array(0);
    this.need('/').stat.cversion = -1;
    this.need('/zookeeper').stat.cversion = -2;
    const config = this.need('/zookeeper/config');
    config.acl = [...READ_ACL_UNSAFE];
    config.stat.aversion = -1;
  }

  /** Containers and TTL nodes (a negative ephemeralOwner): what the container manager looks at. */
  extendedNodes(): { readonly path: string; readonly stat: Stat }[] {
    const found: { path: string; stat: Stat }[] = [];
    for (const [path, node] of this.nodes) if (node.stat.ephemeralOwner < 0n) found.push({ path, stat: { ...node.stat } });
    return found;
  }

  /** The zxid of the last transaction (what replies carry). */
  lastZxid(): bigint {
    return this.zxid;
  }

  /** Draws the zxid of a new transaction. */
  nextZxid(): bigint {
    this.zxid += 1n;
    return this.zxid;
  }

  /** As ZooKeeper counts for srvr and mntr: it keys the root twice ('' and '/'), so one more than there are. */
  nodeCount(): number {
    return this.nodes.size + 1;
  }

  ephemeralCount(): number {
    let n = 0;
    for (const paths of this.ephemerals.values()) n += paths.size;
    return n;
  }

  /** Path lengths plus data lengths, ZooKeeper's approximate_data_size. */
  approximateDataSize(): number {
    let size = 0;
    for (const [path, node] of this.nodes) size += path.length + (node.data?.length ?? 0);
    return size;
  }

  /** A session's ephemeral paths in name order (the dump four-letter word lists them so). */
  ephemeralsOf(sessionId: bigint): string[] {
    return [...(this.ephemerals.get(sessionId) ?? [])].sort();
  }

  /** A session's ephemeral paths in the order getEphemerals lists them: a clone of ZooKeeper's set of them. */
  ephemeralsAsListed(sessionId: bigint): string[] {
    return javaHashSetCloneOrder([...(this.ephemerals.get(sessionId) ?? [])], this.ephemeralPeaks.get(sessionId) ?? 0);
  }

  // --- reads ----------------------------------------------------------------------------------------------

  exists(path: string): Stat | undefined {
    const node = this.nodes.get(path);
    return node === undefined ? undefined : clientStat(node.stat);
  }

  getData(path: string): { data: Uint8Array | null; stat: Stat } {
    const node = this.need(path);
    return { data: node.data, stat: clientStat(node.stat) };
  }

  /**
   * Children in the order ZooKeeper 3.8 lists them: its node's HashSet's (java-hash-order.ts). Clients are promised
   * no order, but they print what they get, so the same order makes the same output.
   */
  getChildren(path: string): { children: string[]; stat: Stat } {
    const node = this.need(path);
    node.listed ??= javaChildrenOrder([...node.children], node.childPeak ?? 0);
    return { children: [...node.listed], stat: clientStat(node.stat) };
  }

  /** Nodes below `path` at any depth; NONODE when there is no such node. */
  descendantCount(path: string): number {
    const node = this.need(path);
    let total = 0;
    for (const name of node.children) total += 1 + this.descendantCount(childPath(path, name));
    return total;
  }

  getAcl(path: string): { acl: readonly Acl[]; stat: Stat } {
    const node = this.need(path);
    return { acl: node.acl, stat: clientStat(node.stat) };
  }

  // --- writes ---------------------------------------------------------------------------------------------

  /**
   * ZooKeeper's order (the caller has checked the ACL, see acl-fixup.ts, after step 1):
   * 1. the flags, and a path with a '/' and no NUL (BADARGUMENTS);
   * 2. the parent must exist (NONODE);
   * 3. a sequential name takes the count of the parent's child creates as suffix; the full path must be valid;
   * 4. the node must not exist (NODEEXISTS); the parent must not be ephemeral (NOCHILDRENFOREPHEMERALS);
   * 5. an empty ACL is INVALIDACL;
   * 6. add the node; the parent's cversion goes up and its pzxid becomes this zxid.
   */
  create(path: string, data: Uint8Array | null, acl: readonly Acl[], flags: number, sessionId: bigint, tx: Tx, guard?: AclGuard, owner?: bigint): CreateResult {
    // 1.
    const mode = parseCreateFlags(flags, path);
    checkPathShape(path);
    // 2.
    const parentPath = parentOf(path);
    const parent = this.need(parentPath);
    guard?.(parent.acl);
    // 3.
    const actual = mode.sequential ? `${path}${sequenceSuffix(parent.creates ?? 0)}` : path;
    validatePath(actual);
    // 4.
    if (this.nodes.has(actual)) throw new KeeperError(Err.NODEEXISTS, actual);
    // Containers and TTL nodes (negative owners, extended-create.ts) may have children; only a session's may not.
    if (parent.stat.ephemeralOwner > 0n) throw new KeeperError(Err.NOCHILDRENFOREPHEMERALS, parentPath);
    this.quotas.check(actual, null, data, true);
    // 5.
    if (acl.length === 0) throw new KeeperError(Err.INVALIDACL, actual);
    // 6.
    const ephemeralOwner = owner ?? (mode.ephemeral ? sessionId : 0n);
    const ephemeral = ephemeralOwner > 0n;
    const stat: MutableStat = {
      ...emptyStat(),
      czxid: tx.zxid,
      mzxid: tx.zxid,
      pzxid: tx.zxid,
      ctime: tx.time,
      mtime: tx.time,
      ephemeralOwner,
      dataLength: data?.length ?? 0,
    };
    const savedParent = { ...parent.stat };
    const nodeAcl = [...acl];
    this.attach(actual, { data, acl: nodeAcl, stat, children: new Set() });
    parent.stat.cversion += 1;
    parent.stat.pzxid = tx.zxid;
    const savedCreates = parent.creates;
    parent.creates = (parent.creates ?? 0) + 1;
    if (ephemeral) this.addEphemeral(sessionId, actual);
    this.onUndo(() => {
      this.detach(actual);
      parent.stat = savedParent;
      parent.creates = savedCreates;
      if (ephemeral) this.removeEphemeral(sessionId, actual);
    });
    this.quotas.created(actual, data);
    return {
      path: actual,
      stat: clientStat(stat),
      events: [
        { type: EventType.NodeCreated, path: actual, zxid: tx.zxid, acl: nodeAcl },
        { type: EventType.NodeChildrenChanged, path: parentPath, zxid: tx.zxid, acl: parent.acl },
      ],
    };
  }

  /**
   * ZooKeeper's order: a path without '/' or with NUL, the root and the built-in nodes are BADARGUMENTS; then the
   * parent must exist (NONODE: any other malformed path names no node) and grant DELETE (the guard); then the node
   * must exist; then BADVERSION, NOTEMPTY.
   */
  delete(path: string, version: number, tx: Tx, guard?: AclGuard): TreeEvent[] {
    checkPathShape(path);
    if (path === '/' || BUILT_IN.includes(path)) throw new KeeperError(Err.BADARGUMENTS, `${path} is a node of the server itself and cannot be deleted`);
    guard?.(this.need(parentOf(path)).acl);
    const node = this.need(path);
    if (!versionMatches(version, node.stat.version)) throw new KeeperError(Err.BADVERSION, path);
    if (node.children.size > 0) throw new KeeperError(Err.NOTEMPTY, path);
    return this.remove(path, node, tx);
  }

  setData(path: string, data: Uint8Array | null, version: number, tx: Tx, guard?: AclGuard): { stat: Stat; events: TreeEvent[] } {
    validatePath(path);
    const node = this.need(path);
    guard?.(node.acl);
    this.quotas.check(path, node.data, data, false);
    if (!versionMatches(version, node.stat.version)) throw new KeeperError(Err.BADVERSION, path);
    const saved = { data: node.data, stat: clientStat(node.stat) };
    node.data = data;
    node.stat.version += 1;
    node.stat.mzxid = tx.zxid;
    node.stat.mtime = tx.time;
    node.stat.dataLength = data?.length ?? 0;
    this.onUndo(() => {
      node.data = saved.data;
      node.stat = saved.stat;
    });
    this.quotas.changed(path, saved.data, data);
    return { stat: clientStat(node.stat), events: [{ type: EventType.NodeDataChanged, path, zxid: tx.zxid, acl: node.acl }] };
  }

  setAcl(path: string, acl: readonly Acl[], version: number, guard?: AclGuard): Stat {
    validatePath(path);
    const node = this.need(path);
    guard?.(node.acl);
    if (!versionMatches(version, node.stat.aversion)) throw new KeeperError(Err.BADVERSION, path);
    if (acl.length === 0) throw new KeeperError(Err.INVALIDACL, path);
    node.acl = [...acl];
    node.stat.aversion += 1;
    return clientStat(node.stat);
  }

  /** The check of a multi: the node exists and has `version` (or -1). Changes nothing. */
  check(path: string, version: number, guard?: AclGuard): void {
    validatePath(path);
    const node = this.need(path);
    guard?.(node.acl);
    if (!versionMatches(version, node.stat.version)) throw new KeeperError(Err.BADVERSION, path);
  }

  /**
   * Deletes every ephemeral node of a closed or expired session. Ephemerals have no children, so any order would do;
   * ZooKeeper's is that of its HashSet of the session's paths, and watchers see it in their notifications.
   */
  killSession(sessionId: bigint, tx: Tx): TreeEvent[] {
    const events: TreeEvent[] = [];
    const paths = [...(this.ephemerals.get(sessionId) ?? [])];
    for (const path of javaHashSetCloneOrder(paths, this.ephemeralPeaks.get(sessionId) ?? 0)) {
      const node = this.nodes.get(path);
      if (node !== undefined) events.push(...this.remove(path, node, tx));
    }
    this.ephemerals.delete(sessionId);
    this.ephemeralPeaks.delete(sessionId);
    return events;
  }

  /** Runs `fn`; if it throws, every mutation it made is undone before the error propagates. */
  atomically<T>(fn: () => T): T {
    if (this.undoLog !== null) return fn();
    const log: (() => void)[] = [];
    this.undoLog = log;
    try {
      return fn();
    } catch (err) {
      // Undoing is not itself logged: an undo step that re-links a node must not queue steps behind the ones running.
      this.undoLog = null;
      for (const undo of log.reverse()) undo();
      throw err;
    } finally {
      this.undoLog = null;
    }
  }

  // --- internals ------------------------------------------------------------------------------------------

  private need(path: string): ZNode {
    const node = this.nodes.get(path);
    if (node === undefined) throw new KeeperError(Err.NONODE, path);
    return node;
  }

  private remove(path: string, node: ZNode, tx: Tx): TreeEvent[] {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath);
    const savedParent = parent === undefined ? undefined : { ...parent.stat };
    this.detach(path);
    if (parent !== undefined) {
      parent.stat.cversion += 1;
      parent.stat.pzxid = tx.zxid;
    }
    const owner = node.stat.ephemeralOwner;
    if (owner > 0n) this.removeEphemeral(owner, path);
    this.onUndo(() => {
      this.attach(path, node);
      if (parent !== undefined && savedParent !== undefined) parent.stat = savedParent;
      if (owner > 0n) this.addEphemeral(owner, path);
    });
    this.quotas.deleted(path, node.data);
    return [
      { type: EventType.NodeDeleted, path, zxid: tx.zxid, acl: node.acl },
      { type: EventType.NodeChildrenChanged, path: parentPath, zxid: tx.zxid, ...(parent === undefined ? {} : { acl: parent.acl }) },
    ];
  }

  /** Adds a node and links it under its parent, keeping numChildren in step. */
  private attach(path: string, node: ZNode): void {
    this.nodes.set(path, node);
    const parent = this.nodes.get(parentOf(path));
    if (parent !== undefined && path !== '/') {
      this.keepChildOrder(parent);
      parent.children.add(nameOf(path));
      parent.stat.numChildren = parent.children.size;
      parent.childPeak = Math.max(parent.childPeak ?? 0, parent.children.size);
    }
  }

  private detach(path: string): void {
    this.nodes.delete(path);
    const parent = this.nodes.get(parentOf(path));
    if (parent !== undefined) {
      this.keepChildOrder(parent);
      parent.children.delete(nameOf(path));
      parent.stat.numChildren = parent.children.size;
    }
  }

  /** A quota statistics write: new data, no new version or zxid (ZooKeeper writes it in place too). */
  private rewrite(path: string, data: Uint8Array): void {
    const node = this.need(path);
    const saved = { data: node.data, dataLength: node.stat.dataLength };
    node.data = data;
    node.stat.dataLength = data.length;
    this.onUndo(() => {
      node.data = saved.data;
      node.stat.dataLength = saved.dataLength;
    });
  }

  private subtree(path: string): { count: number; bytes: number } {
    const node = this.nodes.get(path);
    if (node === undefined) return { count: 0, bytes: 0 };
    const total = { count: 1, bytes: node.data?.length ?? 0 };
    for (const name of node.children) {
      const below = this.subtree(childPath(path, name));
      total.count += below.count;
      total.bytes += below.bytes;
    }
    return total;
  }

  private addEphemeral(sessionId: bigint, path: string): void {
    let paths = this.ephemerals.get(sessionId);
    if (paths === undefined) this.ephemerals.set(sessionId, (paths = new Set()));
    paths.add(path);
    // A create a multi rolls back never reached ZooKeeper's tree: its peak is restored with it.
    const peak = this.ephemeralPeaks.get(sessionId);
    if (paths.size > (peak ?? 0)) {
      this.ephemeralPeaks.set(sessionId, paths.size);
      this.onUndo(() => (peak === undefined ? this.ephemeralPeaks.delete(sessionId) : this.ephemeralPeaks.set(sessionId, peak)));
    }
  }

  private removeEphemeral(sessionId: bigint, path: string): void {
    const paths = this.ephemerals.get(sessionId);
    paths?.delete(path);
    if (paths?.size === 0) this.ephemerals.delete(sessionId);
  }

  /**
   * Inside a multi, remembers a parent's children as they were, in order, with their peak: a multi that fails never
   * touched ZooKeeper's sets, and a child unlinked then linked again would otherwise come back last in its order.
   */
  private keepChildOrder(parent: ZNode): void {
    parent.listed = undefined;
    if (this.undoLog === null) return;
    const before = [...parent.children];
    const peak = parent.childPeak;
    this.onUndo(() => {
      parent.children.clear();
      for (const name of before) parent.children.add(name);
      parent.listed = undefined;
      parent.childPeak = peak;
      parent.stat.numChildren = parent.children.size;
    });
  }

  private onUndo(step: () => void): void {
    this.undoLog?.push(step);
  }
}
