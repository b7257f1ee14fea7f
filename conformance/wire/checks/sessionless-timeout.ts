/**
 * expiry.sessionless, when the user gives the configured timeout: a connection that never sends is closed no
 * earlier than the timeout and no later than two timeouts plus a second (deadlines round up to the next expiry
 * bucket, one timeout wide). Not judged without the flag, and not at all for servers that never expire such
 * connections by design (ZooKeeper's Netty factory): that is then a fail to read with care.
 */

import { WireConnection } from '../wire-connection.ts';
import { fail, notJudged, pass, type WireCheck } from '../wire-check.ts';

const SLACK_MS = 1_000;

export const sessionlessTimeout: WireCheck = {
  name: 'sessionless-timeout',
  requirements: ['expiry.sessionless'],
  description: 'with --sessionless-timeout MS: a silent connection closes between MS and 2 x MS + 1 s after connect',
  async run(target, options) {
    const timeout = options.sessionlessTimeoutMs;
    if (timeout === undefined) return notJudged('give the server\'s sessionless connection timeout with --sessionless-timeout to judge it');
    if (timeout > 60_000) return notJudged(`a timeout of ${timeout} ms is above the probe's bound of 60 s`);
    const conn = await WireConnection.open(target, options.stepTimeoutMs);
    const ended = await conn.ending(2 * timeout + SLACK_MS);
    conn.close();
    if (!ended) return fail(`a connection that never sent was still open ${2 * timeout + SLACK_MS} ms after connect (timeout ${timeout} ms)`);
    if (ended.atMs < timeout - 50) return fail(`a silent connection was closed after ${ended.atMs.toFixed(0)} ms, before its timeout of ${timeout} ms`);
    return pass(`a silent connection was closed (${ended.how}) after ${ended.atMs.toFixed(0)} ms (timeout ${timeout} ms)`);
  },
};
