/**
 * getAllChildrenNumber (104): how many nodes lie below a path, at any depth (the node itself not counted), as
 * GetAllChildrenNumberResponse{int}; NONODE when the path names no node.
 *
 * Implements: zk.more-ops (getAllChildrenNumber).
 */
import { checkRead, type OpHandler } from './request-ops.ts';

export const getAllChildrenNumber: OpHandler = {
  write: false,
  run(ctx, r) {
    const path = r.path();
    const key = path === '' ? '/' : path;
    checkRead(ctx, key);
    const total = ctx.tree.descendantCount(key);
    return { body: (w) => void w.int(total) };
  },
};
