/**
 * Every accepted socket passes open, accept, IO and clean: at quiescence each one has been registered with a
 * selector or closed. One that is neither was lost between the accept thread and a selector thread.
 */

import { violation, type Invariant } from './invariant.ts';

export const acceptedEndsRegisteredOrClosed: Invariant = {
  name: 'accepted-ends-registered-or-closed',
  kind: 'liveness',
  requirements: ['lifecycle.open-accept-io-clean', 'selector.register-on-owner', 'accept.handoff'],
  description: 'At quiescence every accepted socket is registered or closed.',
  check(trace, context) {
    if (!context.atQuiescence) return [];
    const accepted = new Map<string, number>();
    for (const e of trace) {
      if (e.ev === 'accept' && e.ch) accepted.set(e.ch, e.seq);
      else if ((e.ev === 'register' || e.ev === 'close') && accepted.has(e.ch)) accepted.delete(e.ch);
    }
    return [...accepted].map(([ch, seq]) => violation(this, `${ch} was accepted (event ${seq}) but never registered nor closed`, [seq]));
  },
};
