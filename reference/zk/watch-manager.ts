/**
 * WatchManager: the watches of the server, per path, in two tables as ZooKeeper 3.8 keeps them:
 * - data watches, set by getData and exists (exists on a missing path too: that is how NodeCreated is seen);
 * - child watches, set by getChildren / getChildren2.
 * addWatch (and setWatches2) puts a persistent or persistent-recursive watch in both tables.
 * A watcher is whatever object the server uses for a connection; a watch belongs to the connection that set it
 * and dies with it (a reconnecting client re-registers its watches with setWatches / setWatches2).
 *
 * Each (table, path, watcher) has one mode: standard (fires once), persistent (stays), recursive (stays, and
 * also fires for every descendant). Setting a watch again replaces the mode, so a getData watch on a path that
 * has a persistent watch turns the data-table entry back into a one-shot watch: ZooKeeper 3.8 does exactly that.
 *
 * Which tree event fires which watches:
 *   NodeCreated(p), NodeDataChanged(p) -> data watches on p; recursive data watches on p's ancestors
 *   NodeChildrenChanged(p)             -> standard and persistent child watches on p (never recursive ones)
 *   NodeDeleted(p)                     -> data and child watches on p and recursive ones on its ancestors,
 *                                         one notification per watcher
 * Firing removes standard watches only.
 *
 * Implements: zk.watches, zk.persistent-watches.
 */
import { EventType, type TreeEvent } from './watch-events.ts';

export type WatchKind = 'data' | 'child';
export type WatchMode = 'standard' | 'persistent' | 'recursive';

/** AddWatchRequest's mode numbers (ZooDefs.AddWatchModes). */
export const ADD_WATCH_MODES: Readonly<Record<number, Exclude<WatchMode, 'standard'>>> = { 0: 'persistent', 1: 'recursive' };

type Table<W> = Map<string, Map<W, WatchMode>>;

/** `path`, then each ancestor up to the root. */
function* selfAndAncestors(path: string): Generator<string> {
  yield path;
  let p = path;
  while (p.length > 1) {
    const slash = p.lastIndexOf('/');
    p = slash <= 0 ? '/' : p.slice(0, slash);
    yield p;
  }
}

export class WatchManager<W> {
  private readonly data: Table<W> = new Map();
  private readonly child: Table<W> = new Map();
  /** Recursive watches held per table: while 0, events look at their own path only. */
  private readonly recursive = new Map<Table<W>, number>([
    [this.data, 0],
    [this.child, 0],
  ]);

  add(kind: WatchKind, path: string, watcher: W, mode: WatchMode = 'standard'): void {
    const table = this.table(kind);
    let watchers = table.get(path);
    if (watchers === undefined) table.set(path, (watchers = new Map()));
    const before = watchers.get(watcher);
    if (before === 'recursive') this.countRecursive(table, -1);
    if (mode === 'recursive') this.countRecursive(table, 1);
    watchers.set(watcher, mode);
  }

  /** addWatch: a persistent or recursive watch, in both tables. */
  addPersistent(path: string, watcher: W, mode: Exclude<WatchMode, 'standard'>): void {
    this.add('data', path, watcher, mode);
    this.add('child', path, watcher, mode);
  }

  /** The watchers `event` fires, each once; their standard watches are gone afterwards. */
  trigger(event: TreeEvent): W[] {
    const fired = new Set<W>();
    switch (event.type) {
      case EventType.NodeCreated:
      case EventType.NodeDataChanged:
        this.take(this.data, event, fired);
        break;
      case EventType.NodeChildrenChanged:
        this.take(this.child, event, fired);
        break;
      case EventType.NodeDeleted:
        this.take(this.data, event, fired);
        this.take(this.child, event, fired);
        break;
      default:
        break;
    }
    return [...fired];
  }

  /** removeWatches of one table: false when `watcher` had no watch on exactly `path` there. */
  remove(kind: WatchKind, path: string, watcher: W): boolean {
    const table = this.table(kind);
    const watchers = table.get(path);
    const mode = watchers?.get(watcher);
    if (watchers === undefined || mode === undefined) return false;
    this.drop(table, path, watchers, watcher, mode);
    return true;
  }

  /** Drops every watch of `watcher` (its connection closed). */
  removeWatcher(watcher: W): void {
    for (const table of [this.data, this.child]) {
      for (const [path, watchers] of table) {
        const mode = watchers.get(watcher);
        if (mode !== undefined) this.drop(table, path, watchers, watcher, mode);
      }
    }
  }

  /** Watches held, counting each (path, watcher) pair of each table once. */
  count(): number {
    let n = 0;
    for (const table of [this.data, this.child]) for (const watchers of table.values()) n += watchers.size;
    return n;
  }

  /** Every watch as (kind, path, watcher), data watches first (wchc, wchp). */
  entries(): { kind: WatchKind; path: string; watcher: W }[] {
    const out: { kind: WatchKind; path: string; watcher: W }[] = [];
    for (const [kind, table] of [['data', this.data], ['child', this.child]] as const) {
      for (const [path, watchers] of table) for (const watcher of watchers.keys()) out.push({ kind, path, watcher });
    }
    return out;
  }

  /**
   * checkWatches of one table: a watch on exactly `path` (an ancestor's recursive one does not count), whoever holds
   * it. ZooKeeper 3.8 answers checkWatches OK when any connection watches the path, not only the asking one
   * (measured by the op-sequence fuzz, conformance/zookeeper/op-sequence-diff.ts); removeWatches is per connection.
   */
  watched(kind: WatchKind, path: string): boolean {
    return (this.table(kind).get(path)?.size ?? 0) > 0;
  }

  private table(kind: WatchKind): Table<W> {
    return kind === 'data' ? this.data : this.child;
  }

  private countRecursive(table: Table<W>, delta: number): void {
    this.recursive.set(table, (this.recursive.get(table) ?? 0) + delta);
  }

  /** The watches of one table that `event` fires: at its path any mode, at ancestors recursive ones only. */
  private take(table: Table<W>, event: TreeEvent, fired: Set<W>): void {
    const paths = (this.recursive.get(table) ?? 0) > 0 ? selfAndAncestors(event.path) : [event.path];
    for (const path of paths) {
      const watchers = table.get(path);
      if (watchers === undefined) continue;
      const atPath = path === event.path;
      for (const [watcher, mode] of watchers) {
        if (mode === 'recursive') {
          if (event.type !== EventType.NodeChildrenChanged) fired.add(watcher);
        } else if (atPath) {
          fired.add(watcher);
          if (mode === 'standard') this.drop(table, path, watchers, watcher, mode);
        }
      }
    }
  }

  private drop(table: Table<W>, path: string, watchers: Map<W, WatchMode>, watcher: W, mode: WatchMode): void {
    watchers.delete(watcher);
    if (mode === 'recursive') this.countRecursive(table, -1);
    if (watchers.size === 0) table.delete(path);
  }
}
