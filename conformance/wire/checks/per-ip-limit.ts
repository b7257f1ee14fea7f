/**
 * accept.per-ip-limit, when the user gives the server's maxClientCnxns: that many connections from this address
 * are served, and one more is closed without a ConnectResponse. Not judged without the flag: a probe cannot
 * know the configured limit, and guessing it would mean opening connections until something breaks.
 */

import { closeSession, openSession, type OpenSession } from '../zk-client-frames.ts';
import { WireConnection } from '../wire-connection.ts';
import { connectFrame } from '../zk-client-frames.ts';
import { fail, notJudged, pass, type WireCheck } from '../wire-check.ts';

export const perIpLimit: WireCheck = {
  name: 'per-ip-limit',
  requirements: ['accept.per-ip-limit'],
  description: 'with --max-client-cnxns N: N sessions from 127.0.0.1 served, the N+1th closed without a response',
  async run(target, options) {
    const max = options.maxClientCnxns;
    if (max === undefined) return notJudged('give the server\'s maxClientCnxns with --max-client-cnxns to judge it');
    if (max <= 0 || max > 1_000) return notJudged(`maxClientCnxns ${max} is unlimited or above the probe's bound of 1,000 connections`);
    const held: OpenSession[] = [];
    try {
      for (let i = 0; i < max; i++) {
        try {
          held.push(await openSession(target, options.stepTimeoutMs));
        } catch (err) {
          return fail(`connection ${i + 1} of the ${max} allowed was refused: ${(err as Error).message}`);
        }
      }
      const extra = await WireConnection.open(target, options.stepTimeoutMs).catch(() => undefined);
      if (!extra) return pass(`${max} sessions served; connection ${max + 1} refused at connect`);
      extra.write(connectFrame());
      const payload = await extra.nextFrame(options.stepTimeoutMs);
      extra.close();
      if (payload) return fail(`connection ${max + 1} from one address got a ConnectResponse though maxClientCnxns is ${max}`);
      return pass(`${max} sessions served; connection ${max + 1} closed without a response`);
    } finally {
      await Promise.all(held.map((s) => closeSession(s.conn)));
    }
  },
};
