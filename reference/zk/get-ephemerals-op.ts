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
    const paths = ctx.tree.ephemeralsOf(ctx.client.sessionId).filter((p) => prefix === '/' || p.startsWith(prefix));
    return { body: (w) => stringList.write(w, paths) };
  },
};
