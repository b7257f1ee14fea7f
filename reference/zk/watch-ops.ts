/**
 * The watch operations of ZooKeeper 3.6+, answered as 3.8 answers them (the connection always stays):
 * - addWatch (106) AddWatchRequest{path, mode}: mode 0 persistent, 1 persistent-recursive; reply ErrorResponse{0}.
 *   The path is not validated (ZooKeeper registers whatever string it gets); any other mode is MARSHALLINGERROR.
 * - removeWatches (18) RemoveWatchesRequest{path, type} and checkWatches (17) CheckWatchesRequest{path, type}:
 *   type 1 children, 2 data, 3 any; NOWATCHER (-121) when there is no such watch on exactly that path: for
 *   removeWatches one of the asking connection, for checkWatches one of any connection (3.8 looks no further);
 *   no reply body. 3.8 knows no other watcher type (4 and 5 came with 3.9): MARSHALLINGERROR. checkWatches
 *   with a null path, or a non-empty one without '/', is MARSHALLINGERROR too (ZooKeeper fails it in its lookup).
 * Removing a watch sends no notification: the client produces its own "watch removed" event.
 *
 * Implements: zk.persistent-watches, zk.remove-watches.
 */
import { Err, KeeperError } from './error-codes.ts';
import { malformed } from './jute-error.ts';
import type { JuteReader } from './jute-reader.ts';
import type { OpHandler } from './request-ops.ts';
import { ADD_WATCH_MODES, type WatchKind } from './watch-manager.ts';

/** WatcherType numbers (Watcher.WatcherType in 3.8). */
const WATCHER_TYPES: Readonly<Record<number, readonly WatchKind[]>> = { 1: ['child'], 2: ['data'], 3: ['child', 'data'] };

function pathAndType(r: JuteReader): { path: string | null; kinds: readonly WatchKind[] } {
  const path = r.ustring('path');
  const type = r.int('watcher type');
  const kinds = WATCHER_TYPES[type];
  if (kinds === undefined) throw malformed(`watcher type ${type} is not one of 1 (children), 2 (data), 3 (any)`);
  return { path, kinds };
}

export const addWatch: OpHandler = {
  write: false,
  run(ctx, r) {
    const path = r.ustring('path');
    const number = r.int('mode');
    const mode = ADD_WATCH_MODES[number];
    if (mode === undefined) throw malformed(`addWatch mode ${number} is not 0 (persistent) or 1 (persistent recursive)`);
    if (path !== null) ctx.watches.addPersistent(path, ctx.client, mode);
    return { body: (w) => void w.int(0) };
  },
};

export const removeWatches: OpHandler = {
  write: false,
  run(ctx, r) {
    const { path, kinds } = pathAndType(r);
    let removed = false;
    for (const kind of kinds) if (path !== null && ctx.watches.remove(kind, path, ctx.client)) removed = true;
    if (!removed) throw new KeeperError(Err.NOWATCHER, `${path} (${kinds.join(', ')})`);
    return {};
  },
};

export const checkWatches: OpHandler = {
  write: false,
  run(ctx, r) {
    const { path, kinds } = pathAndType(r);
    // ZooKeeper 3.8 fails a checkWatches whose path is null, or not empty and without '/', in its own lookup
    // before it looks for the watch: MARSHALLINGERROR, where removeWatches answers NOWATCHER (measured on 3.8.0).
    if (path === null || (path !== '' && !path.includes('/'))) throw malformed(`checkWatches: path ${JSON.stringify(path)} has no '/'`);
    if (!kinds.some((kind) => ctx.watches.watched(kind, path))) throw new KeeperError(Err.NOWATCHER, `${path} (${kinds.join(', ')})`);
    return {};
  },
};
