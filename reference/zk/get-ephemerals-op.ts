/**
 * getEphemerals (103): the requesting session's ephemeral nodes whose path starts with the given prefix ("/" for
 * all), as GetEphemeralsResponse{vector<ustring>}. A read: it needs no node to exist and sets no watch.
 *
 * Implements: zk.more-ops (getEphemerals).
 */
import { stringList } from './record-codec.ts';
import type { OpHandler } from './request-ops.ts';

export const getEphemerals: OpHandler = {
  write: false,
  run(ctx, r) {
    const prefix = r.path('prefixPath');
    // As ZooKeeper reads it: a prefix that is blank or "/" once trimmed means every path.
    const all = prefix.trim() === '' || prefix.trim() === '/';
    const paths = ctx.tree.ephemeralsAsListed(ctx.client.sessionId).filter((p) => all || p.startsWith(prefix));
    return { body: (w) => stringList.write(w, paths) };
  },
};
