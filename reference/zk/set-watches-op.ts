/**
 * setWatches (op 101, xid -8) and setWatches2 (op 105): a reconnecting client hands back the watches it held,
 * with the last zxid it saw. Each is either re-armed or, when the tree changed past it meanwhile, fired at once
 * (to this connection only, before the reply):
 *   data watch:  node gone -> NodeDeleted; mzxid > relativeZxid -> NodeDataChanged; else re-armed
 *   exist watch: node there -> NodeCreated; else re-armed
 *   child watch: node gone -> NodeDeleted; pzxid > relativeZxid -> NodeChildrenChanged; else re-armed
 * Persistent watches (setWatches2's extra lists) are not supported and are ignored with a log line.
 *
 * Implements: zk.watches (re-registration on reconnect).
 */
import type { Logger } from '../../spec/runtime.ts';
import type { OpHandler } from './request-ops.ts';
import { SetWatches2Codec, SetWatchesCodec } from './request-records.ts';
import { EventType, type TreeEvent } from './watch-events.ts';

/** Notifications fired by setWatches carry no zxid. */
const NO_ZXID = -1n;

export function setWatchesOp(withPersistent: boolean, log: Logger): OpHandler {
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
      const persistent = (req.persistentWatches?.length ?? 0) + (req.persistentRecursiveWatches?.length ?? 0);
      if (persistent > 0) log.log('warn', `${ctx.client.id}: ignoring ${persistent} persistent watch(es) in setWatches2: persistent watches are not supported`);
      return { direct };
    },
  };
}
