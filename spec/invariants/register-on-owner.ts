/**
 * Client channels are registered only by the selector thread that owns the selector: register contends with
 * a select in progress, so any other thread must queue the channel and wake the owner instead.
 */

import { violation, type Invariant } from './invariant.ts';
import { indexTrace, isClientChannel } from './trace-index.ts';

export const registerOnOwner: Invariant = {
  name: 'register-on-owner',
  kind: 'safety',
  requirements: ['selector.register-on-owner', 'accept.handoff'],
  description: 'Every client channel is registered by the thread that selects on that selector.',
  check(trace) {
    const index = indexTrace(trace);
    const selectorThreads = new Set(index.configured?.selectors ?? []);
    return trace.flatMap((e) => {
      if (e.ev !== 'register' || !isClientChannel(e.ch)) return [];
      const owner = index.selectorOwner.get(e.sel);
      if (owner !== undefined && owner !== e.thread) {
        return [violation(this, `${e.thread} registered ${e.ch} with ${e.sel}, which ${owner} selects on`, [e.seq])];
      }
      if (owner === undefined && selectorThreads.size > 0 && !selectorThreads.has(e.thread)) {
        return [violation(this, `${e.thread} registered ${e.ch} with ${e.sel} but is not a selector thread`, [e.seq])];
      }
      return [];
    });
  },
};
