/**
 * Differential, SASL on servers without SASL configured: a sasl request (op 102), well formed, empty or
 * truncated, and auth packets of schemes other than digest and ip (sasl, kerberos, x509), to Apache ZooKeeper
 * 3.8 and to the reference; the answers and whether the connection stays must agree.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { agreeOnCases, startPair, type ServerPair } from '../zookeeper/differential-pair.ts';
import { req } from '../zookeeper/request-frames.ts';
import { OpCode } from '../../reference/zk/op-codes.ts';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 120_000, skip };
let pair: ServerPair | undefined;

before(async () => {
  if (apache.found) pair = await startPair();
});

after(async () => {
  await pair?.stop();
});

test('[zk.sasl, zk.auth] differential: a SASL request is answered OK with a null token and the connection stays; other auth schemes fail as on ZooKeeper', T, async () => {
  const seen = await agreeOnCases(pair!, [
    ['sasl with a token', [req.op(1, OpCode.sasl, (w) => void w.buffer(Buffer.from('token'))), req.ping()]],
    ['sasl with an empty token', [req.op(1, OpCode.sasl, (w) => void w.buffer(new Uint8Array(0))), req.read(2, OpCode.exists, '/')]],
    ['sasl with a null token', [req.op(1, OpCode.sasl, (w) => void w.buffer(null)), req.ping()]],
    ['sasl with a truncated token', [req.op(1, OpCode.sasl, (w) => void w.int(10).int(0)), req.ping()]],
    ['sasl without a body', [req.op(1, OpCode.sasl), req.ping()]],
    ['sasl twice', [req.op(1, OpCode.sasl, (w) => void w.buffer(Buffer.from('a'))), req.op(2, OpCode.sasl, (w) => void w.buffer(Buffer.from('b'))), req.ping()]],
    ['auth sasl', [req.auth('sasl', Buffer.from('x')), req.ping()]],
    ['auth kerberos', [req.auth('kerberos', Buffer.from('x')), req.ping()]],
    ['auth x509', [req.auth('x509', null), req.ping()]],
  ]);
  assert.deepEqual(seen.get('sasl with a token')?.replies.map((r) => [r.xid, r.err, r.bodyLength]), [[1, 0, 4], [-2, 0, 0]]);
});
