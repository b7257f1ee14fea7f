/**
 * A factory's `configured` fact must agree with what the harness gave it: the selector and worker counts, the
 * per-IP limit and the sessionless timeout. Invariants read the harness's `given`; a factory that reports
 * something else is either misreporting or not running the configuration it was asked to run.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { givenOf, observedConfig } from './observed.ts';

export const configuredMatchesGiven: Invariant = {
  name: 'configured-matches-given',
  kind: 'safety',
  requirements: ['nio.thread-counts', 'accept.per-ip-limit', 'expiry.sessionless'],
  description: 'The configuration a factory reports equals the configuration the harness gave it.',
  check(trace) {
    const given = givenOf(trace);
    const config = observedConfig(trace);
    if (!given || !config) return [];
    const out: Violation[] = [];
    for (const e of trace) {
      if (e.ev !== 'configured') continue;
      const compare = (what: string, reported: number, expected: number | undefined, requirement: string) => {
        if (expected !== undefined && reported !== expected) {
          out.push(violation(this, `the factory reports ${what} ${reported}, but the harness gave ${expected}`, [given.seq, e.seq], [requirement]));
        }
      };
      compare('selector threads', e.selectors.length, given.selectors, 'nio.thread-counts');
      compare('worker threads', e.workers, given.workers === undefined ? undefined : Math.max(given.workers, 0), 'nio.thread-counts');
      compare('maxClientCnxns', e.maxClientCnxns, given.maxClientCnxns, 'accept.per-ip-limit');
      compare('sessionless timeout', e.sessionlessTimeout, config.sessionlessTimeout, 'expiry.sessionless');
    }
    return out;
  },
};
