/**
 * Apache ZooKeeper 3.8 and the reference side by side for a differential test file: both started alike on
 * loopback, the same raw cases sent to each (one connection per case, in order, so nodes one case creates are
 * there for the next), and every difference in the reactions collected. Stopped by the test file's `after`.
 */
import assert from 'node:assert/strict';
import { createClient, type Client } from 'node-zookeeper-client';
import type { SocketAddress } from '../../spec/runtime.ts';
import { startZk, type ZkFixture } from '../../reference/zk/test-support.ts';
import type { ZkServerOptions } from '../../reference/zk/zk-server-options.ts';
import { findApacheZooKeeper, startApacheZooKeeper } from './apache-zookeeper.ts';
import { exchange, type Exchange } from './raw-exchange.ts';

export interface ServerPair {
  readonly zookeeper: SocketAddress;
  readonly reference: SocketAddress;
  readonly referenceFixture: ZkFixture;
  stop(): Promise<void>;
}

export interface PairConfig {
  /** zoo.cfg lines for ZooKeeper (default: ruok whitelisted, which startApacheZooKeeper needs). */
  readonly zooCfg?: readonly string[];
  /** -D properties for ZooKeeper. */
  readonly properties?: Readonly<Record<string, string>>;
  /** The same settings for the reference. */
  readonly server?: ZkServerOptions;
}

export async function startPair(config: PairConfig = {}): Promise<ServerPair> {
  const apache = findApacheZooKeeper();
  if (!apache.found) throw new Error(apache.reason);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const real = await startApacheZooKeeper(apache, config.zooCfg ?? ['4lw.commands.whitelist=ruok'], config.properties ?? {});
    cleanups.push(() => real.stop());
    const fixture = await startZk({ after: (fn) => void cleanups.push(fn) }, { server: { tickTime: 2000, ...config.server } });
    return { zookeeper: { host: '127.0.0.1', port: real.port }, reference: fixture.address, referenceFixture: fixture, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A case: a name and the frames of one connection. */
export type RawCase = readonly [name: string, frames: readonly Uint8Array[]];

/** Runs every case on both servers and asserts the same reactions (xid, err, body length, closed); returns ZooKeeper's. */
export async function agreeOnCases(pair: ServerPair, cases: readonly RawCase[], quietMs = 800): Promise<Map<string, Exchange>> {
  const seen = new Map<string, Exchange>();
  const differences: string[] = [];
  for (const [name, frames] of cases) {
    const [real, reference] = await Promise.all([exchange(pair.zookeeper, frames, { quietMs }), exchange(pair.reference, frames, { quietMs })]);
    seen.set(name, real);
    if (JSON.stringify(real) !== JSON.stringify(reference)) differences.push(`${name}:\n  ZooKeeper ${JSON.stringify(real)}\n  reference ${JSON.stringify(reference)}`);
  }
  assert.deepEqual(differences, [], 'the reference reacted differently from Apache ZooKeeper');
  return seen;
}

/** The error codes of an exchange's replies, in order. */
export const errsOf = (e: Exchange | undefined): number[] | undefined => e?.replies.map((r) => r.err);

/** A node-zookeeper-client session on `address` for the length of `body`. */
export async function clientOn<T>(address: SocketAddress, body: (client: Client) => Promise<T>): Promise<T> {
  const client = createClient(`${address.host}:${address.port}`, { retries: 0, sessionTimeout: 10_000 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
