/**
 * setWatches (op 101, xid -8) and setWatches2 (op 105): a reconnecting client hands back the watches it held,
 * with the last zxid it saw. Each is either re-armed or, when the tree changed past it meanwhile, fired at once
 * (to this connection only, before the reply):
 *   data watch:  node gone -> NodeDeleted; mzxid > relativeZxid -> NodeDataChanged; else re-armed
 *   exist watch: node there -> NodeCreated; else re-armed
 *   child watch: node gone -> NodeDeleted; pzxid > relativeZxid -> NodeChildrenChanged; else re-armed
 * setWatches2's persistent and persistent-recursive lists are re-armed as they are, never fired at once (a
 * persistent watch has nothing to catch up on: ZooKeeper 3.8 does the same).
 *
 * Implements: zk.watches (re-registration on reconnect), zk.persistent-watches.
 */
import type { OpHandler } from './request-ops.ts';
import { SetWatches2Codec, SetWatchesCodec } from './request-records.ts';
import { EventType, type TreeEvent } from './watch-events.ts';

/** Notifications fired by setWatches carry no zxid. */
const NO_ZXID = -1n;

export function setWatchesOp(withPersistent: boolean): OpHandler {
  const codec = withPersistent ? SetWatches2Codec : SetWatchesCodec;
  return {
    write: false,
    run(ctx, r) {
      const req = codec.read(r);
      const rel = req.relativeZxid;
      const direct: TreeEvent[] = [];
      const fire = (type: TreeEvent['type'], path: string) => direct.push({ type, path, zxid: NO_ZXID });
      for (const path of req.dataWatches) {
        const stat = ctx.tree.exists(path);
        if (stat === undefined) fire(EventType.NodeDeleted, path);
        else if (stat.mzxid > rel) fire(EventType.NodeDataChanged, path);
        else ctx.watches.add('data', path, ctx.client);
      }
      for (const path of req.existWatches) {
        if (ctx.tree.exists(path) !== undefined) fire(EventType.NodeCreated, path);
        else ctx.watches.add('data', path, ctx.client);
      }
      for (const path of req.childWatches) {
        const stat = ctx.tree.exists(path);
        if (stat === undefined) fire(EventType.NodeDeleted, path);
        else if (stat.pzxid > rel) fire(EventType.NodeChildrenChanged, path);
        else ctx.watches.add('child', path, ctx.client);
      }
      for (const path of req.persistentWatches ?? []) ctx.watches.addPersistent(path, ctx.client, 'persistent');
      for (const path of req.persistentRecursiveWatches ?? []) ctx.watches.addPersistent(path, ctx.client, 'recursive');
      return { direct };
    },
  };
}
