/**
 * wire.connection-storm, bounded: `stormClients` (default 200, raised only by a flag) connect at once and each
 * sends a ConnectRequest; every one must get its ConnectResponse, none refused or reset. A fleet restarting is
 * many hosts, not one, so against an IPv4 loopback target the clients come from 250 source addresses
 * (127.0.1.1 .. 127.0.1.250, all loopback) and a per-IP limit (ZooKeeper's default is 60) is not what is measured.
 */

import { isLoopback } from '../target.ts';
import { closeSession, openSession, type OpenSession } from '../zk-client-frames.ts';
import { fail, pass, type WireCheck } from '../wire-check.ts';

export const connectionStorm: WireCheck = {
  name: 'connection-storm',
  requirements: ['wire.connection-storm'],
  description: 'N clients (--storm, default 200) connect and handshake at the same moment',
  async run(target, options) {
    const n = options.stormClients;
    const started = performance.now();
    const timeout = Math.max(options.stepTimeoutMs, 10_000);
    const spread = isLoopback(target.host) && target.host.startsWith('127.');
    const source = (i: number) => (spread ? { localAddress: `127.0.1.${1 + (i % 250)}` } : {});
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => openSession(target, timeout, source(i))));
    const ms = performance.now() - started;
    const open = results.filter((r): r is PromiseFulfilledResult<OpenSession> => r.status === 'fulfilled').map((r) => r.value);
    await Promise.all(open.map((s) => closeSession(s.conn)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      const reasons = [...new Set(failed.map((f) => (f.reason as Error).message))].slice(0, 3).join('; ');
      return fail(`${failed.length} of ${n} clients got no ConnectResponse (${reasons})`);
    }
    return pass(`${n} of ${n} clients${spread ? ' from 250 loopback addresses' : ''} got a ConnectResponse, all within ${ms.toFixed(0)} ms`);
  },
};
