/**
 * Differential, quotas: zkCli's setquota, listquota and delquota, then creates, deletes and setData below the
 * limited path, against Apache ZooKeeper 3.8 and the reference (both with zookeeper.enforceQuota=true); zkCli's
 * output and the statistics node must agree. Hard limits are written by node-zookeeper-client in the
 * key=value form ZooKeeper's server reads (3.8.0's zkCli writes them in a form its own server does not parse).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { agreeOnCases, clientOn, errsOf, startPair, type RawCase, type ServerPair } from '../zookeeper/differential-pair.ts';
import { req } from '../zookeeper/request-frames.ts';
import { OpCode } from '../../reference/zk/op-codes.ts';
import { zkCli, zkCliFound } from '../zookeeper/zk-cli.ts';
import { zk } from '../../reference/zk/test-support.ts';
import type { SocketAddress } from '../../spec/runtime.ts';

const apache = findApacheZooKeeper();
const skip = !apache.found ? `Apache ZooKeeper is not available: ${apache.reason}` : !zkCliFound() ? 'zkCli.sh is not installed (zookeeper-bin)' : false;
const T = { timeout: 180_000, skip };
let pair: ServerPair | undefined;

before(async () => {
  if (skip !== false) return;
  pair = await startPair({ properties: { 'zookeeper.enforceQuota': 'true' }, server: { enforceQuota: true } });
});

after(async () => {
  await pair?.stop();
});

async function both<T>(script: (address: SocketAddress) => Promise<T>): Promise<T> {
  const real = await script(pair!.zookeeper);
  const reference = await script(pair!.reference);
  assert.deepEqual(reference, real, 'the reference answered differently from Apache ZooKeeper');
  return real;
}

const STATS = '/zookeeper/quota/q/zookeeper_stats';

test('[zk.quotas] differential: zkCli setquota, listquota and delquota, and the statistics kept through creates, deletes and setData', T, async () => {
  const lines = await both((address) =>
    zkCli(address, [
      'create /q x',
      'create /q/a hello',
      'setquota -n 3 /q',
      'listquota /q',
      'create /q/b',
      'create /q/c 12345',
      'set /q/a hi',
      `get ${STATS}`,
      'delete /q/b',
      `get ${STATS}`,
      'setquota -n 5 /q/a',
      'setquota -b 100 /q',
      'listquota /q',
      'delquota -n /q',
      'listquota /q',
      'delquota /q',
      'listquota /q',
      'ls /zookeeper/quota',
      'deleteall /q',
    ]),
  );
  assert.ok(lines.includes('count=4,bytes=8'), `the statistics after the writes: ${lines.join(' | ')}`);
  assert.ok(pair!.referenceFixture.logs.some((l) => l.startsWith('warn Quota exceeded: /q count=4 limit=3')), 'the soft limit is logged');
});

const createWith = (xid: number, path: string, data: string) =>
  req.op(xid, OpCode.create, (w) => void w.ustring(path).buffer(Buffer.from(data)).int(1).int(31).ustring('world').ustring('anyone').int(0));
const setWith = (xid: number, path: string, data: string) => req.op(xid, OpCode.setData, (w) => void w.ustring(path).buffer(Buffer.from(data)).int(-1));
const multiSetThenCreate = (xid: number) =>
  req.op(xid, OpCode.multi, (w) => {
    w.int(OpCode.setData).bool(false).int(-1).ustring('/h/a').buffer(Buffer.from('cd')).int(-1);
    w.int(OpCode.create).bool(false).int(-1).ustring('/h/b').buffer(null).int(1).int(31).ustring('world').ustring('anyone').int(0);
    w.int(-1).bool(true).int(-1);
  });

test('[zk.quotas] differential: hard limits refuse with QUOTAEXCEEDED under zookeeper.enforceQuota; a failed multi leaves the statistics alone', T, async () => {
  const seen = await agreeOnCases(pair!, [
    ['limit /h', [createWith(1, '/h', 'ab'), req.create(2, '/zookeeper/quota/h'), createWith(3, '/zookeeper/quota/h/zookeeper_limits', 'count=-1,bytes=-1,countHardLimit=3,byteHardLimit=6'), createWith(4, '/zookeeper/quota/h/zookeeper_stats', 'count=0,bytes=0')]],
    // One write per connection: ZooKeeper checks a limit against the statistics of applied writes only, so a write
    // pipelined behind another one under the same limit can slip past it there.
    ...[createWith(1, '/h/a', 'cd'), req.create(1, '/h/b'), req.create(1, '/h/c'), setWith(1, '/h/a', 'cdefg'), setWith(1, '/h/a', 'c'), multiSetThenCreate(1), setWith(1, '/h', 'abc')].map(
      (frame, i): RawCase => [`write ${i}`, [frame]],
    ),
  ]);
  assert.deepEqual([...seen.keys()].slice(1).map((k) => errsOf(seen.get(k))?.[0]), [0, 0, -125, -125, 0, 0, 0]);
  const stats = await both((address) =>
    clientOn(address, async (c) => {
      const { data, stat } = await zk.getData(c, '/zookeeper/quota/h/zookeeper_stats');
      return [data.toString(), stat.version, stat.dataLength];
    }),
  );
  assert.deepEqual(stats, ['count=3,bytes=4', 0, 15]);
});
