/**
 * WatchManager: the one-shot watches of the server, per path, in two tables as ZooKeeper keeps them:
 * - data watches, set by getData and exists (exists on a missing path too: that is how NodeCreated is seen);
 * - child watches, set by getChildren / getChildren2.
 * A watcher is whatever object the server uses for a connection; a watch belongs to the connection that set it
 * and dies with it (a reconnecting client re-registers its watches with setWatches).
 *
 * Which tree event fires which watches:
 *   NodeCreated(p), NodeDataChanged(p) -> data watches on p
 *   NodeChildrenChanged(p)             -> child watches on p
 *   NodeDeleted(p)                     -> data and child watches on p, one notification per watcher
 * Firing removes the watch: each watch fires at most once.
 *
 * Implements: zk.watches.
 */
import { EventType, type TreeEvent } from './watch-events.ts';

export type WatchKind = 'data' | 'child';

export class WatchManager<W> {
  private readonly data = new Map<string, Set<W>>();
  private readonly child = new Map<string, Set<W>>();

  add(kind: WatchKind, path: string, watcher: W): void {
    const table = kind === 'data' ? this.data : this.child;
    let watchers = table.get(path);
    if (watchers === undefined) table.set(path, (watchers = new Set()));
    watchers.add(watcher);
  }

  /** The watchers `event` fires, each once; their watches are gone afterwards. */
  trigger(event: TreeEvent): W[] {
    const fired = new Set<W>();
    const take = (table: Map<string, Set<W>>): void => {
      const watchers = table.get(event.path);
      if (watchers === undefined) return;
      table.delete(event.path);
      for (const w of watchers) fired.add(w);
    };
    switch (event.type) {
      case EventType.NodeCreated:
      case EventType.NodeDataChanged:
        take(this.data);
        break;
      case EventType.NodeChildrenChanged:
        take(this.child);
        break;
      case EventType.NodeDeleted:
        take(this.data);
        take(this.child);
        break;
      default:
        break;
    }
    return [...fired];
  }

  /** Drops every watch of `watcher` (its connection closed). */
  removeWatcher(watcher: W): void {
    for (const table of [this.data, this.child]) {
      for (const [path, watchers] of table) {
        if (watchers.delete(watcher) && watchers.size === 0) table.delete(path);
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
      for (const [path, watchers] of table) for (const watcher of watchers) out.push({ kind, path, watcher });
    }
    return out;
  }

  has(kind: WatchKind, path: string, watcher: W): boolean {
    return (kind === 'data' ? this.data : this.child).get(path)?.has(watcher) ?? false;
  }
}
