/** Issue 17's targets judged on a run's figures: ratios to ZooKeeper NIO and Netty within the run. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerRep, ServerResult } from '../results.ts';
import { runOf } from './run-fixture.ts';
import { BARE_ID, REFERENCE_DEFAULT_ID, ZK_NETTY_ID, ZK_NIO_ID } from '../servers/catalog.ts';
import { judgeTargets } from './targets.ts';

function server(id: string, family: 'reference' | 'zookeeper' | 'bare', perSecond: number, p99Ms: number): ServerResult {
  const rep: ServerRep = {
    rep: 1,
    startMs: 1_000,
    loadAvg1: 0.5,
    storms: [],
    pings: { perSecond, p50Ms: p99Ms / 4, p99Ms, replies: perSecond * 2, failures: 0, serverCpuMs: 100 },
    errors: [],
  };
  return { spec: { id, label: id, short: id, family }, reps: [rep] };
}

const run = (servers: ServerResult[]) => runOf(servers, { stormSizes: [10_000], tlsStormSizes: [] });

test('bench targets: pings/s against 1.2x each ZooKeeper factory and p99 against the lower of theirs, in one run', () => {
  const verdicts = judgeTargets(run([server(REFERENCE_DEFAULT_ID, 'reference', 30_000, 10), server(ZK_NIO_ID, 'zookeeper', 20_000, 12), server(ZK_NETTY_ID, 'zookeeper', 26_000, 11)]));
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  assert.equal(byId.get('pings-zk-nio')?.met, true, '30k against 20k is 1.5x');
  assert.equal(byId.get('pings-zk-netty')?.met, false, '30k against 26k is 1.15x, under 1.2x');
  assert.match(byId.get('pings-zk-netty')!.figure, /30\.0k\/s vs 26\.0k\/s = 1\.15x/);
  assert.equal(byId.get('p99')?.met, true, '10 ms is no higher than the lower of 12 and 11 ms');
  assert.equal(byId.get('storm-zk')?.met, undefined, 'no storm measured: not judged, not passed');
});

test('bench targets: a p99 above either ZooKeeper factory\'s misses, and a server not measured leaves its targets not judged', () => {
  const higher = judgeTargets(run([server(REFERENCE_DEFAULT_ID, 'reference', 30_000, 11.5), server(ZK_NIO_ID, 'zookeeper', 20_000, 12), server(ZK_NETTY_ID, 'zookeeper', 20_000, 11)]));
  assert.equal(higher.find((v) => v.id === 'p99')?.met, false);
  const alone = judgeTargets(run([server(REFERENCE_DEFAULT_ID, 'reference', 30_000, 10)]));
  assert.deepEqual(alone.filter((v) => v.id.startsWith('pings') || v.id === 'p99').map((v) => v.met), [undefined, undefined, undefined]);
});

test('bench targets: the bare node:net floor is judged against the same target, to show what one Node process can reach', () => {
  const verdicts = judgeTargets(
    run([
      server(REFERENCE_DEFAULT_ID, 'reference', 20_000, 10),
      server(BARE_ID, 'bare', 25_000, 9),
      server(ZK_NIO_ID, 'zookeeper', 30_000, 12),
      server(ZK_NETTY_ID, 'zookeeper', 20_000, 11),
    ]),
  );
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  assert.deepEqual(byId.get('pings-zk-nio')?.floor, { figure: '25.0k/s vs 30.0k/s = 0.83x', met: false });
  assert.equal(byId.get('pings-zk-nio')?.met, false);
  assert.deepEqual(byId.get('pings-zk-netty')?.floor, { figure: '25.0k/s vs 20.0k/s = 1.25x', met: true });
  assert.equal(byId.get('pings-zk-netty')?.met, false, 'the reference itself: 20k against 20k is 1.0x');
  assert.equal(byId.get('storm-zk')?.floor, undefined, 'no storm measured on the floor: no floor verdict');
});
