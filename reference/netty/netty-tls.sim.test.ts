/** The secure pipeline in the simulation: the abstract handshake before any frame, plaintext peers, slow and unfinished handshakes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TlsServerOptions } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { simTlsClientHandshake } from '../../conformance/sim/sim-tls.ts';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { SIM, simulate } from '../nio/sim-support.ts';
import { connectRequestFrame, eventsOf, handshake, readReply, requestFrame } from '../nio/test-support.ts';
import { serveNettyEcho } from './test-support.ts';

/** The simulation models the handshake, not the cryptography: the material is not read there. */
const SIM_TLS: TlsServerOptions = { key: '', cert: '', clientAuth: 'none' };

/** Three peers: one completes the handshake (slowly on odd seeds), one speaks plaintext, one never finishes. */
async function mixed(seed: number): Promise<readonly TraceEvent[]> {
  const h = simulate(seed);
  await h.run(async () => {
    const { factory, address } = await serveNettyEcho(h.runtime, { tls: SIM_TLS, idleTimeout: 5_000 }, 0, true);
    const good = await h.connect(address, { ip: '10.0.0.1' });
    const plain = await h.connect(address, { ip: '10.0.0.2' });
    const stuck = await h.connect(address, { ip: '10.0.0.3' });
    await plain.send(connectRequestFrame());
    await stuck.send(Uint8Array.of(0x16, 0x03));
    await simTlsClientHandshake(good, seed % 2 === 1 ? () => h.runtime.clock.sleep(1_000) : undefined);
    assert.notEqual((await handshake(good)).sessionId, 0n);
    await good.send(requestFrame(XID_PING, OP_PING));
    assert.equal((await readReply(good)).header.xid, XID_PING);
    await plain.closed();
    await stuck.closed();
    await factory.shutdown();
  });
  return h.trace();
}

test('[netty.tls] sim: frames reach the server only after the handshake; a plaintext peer is closed with Unsuccessful handshake', SIM, async () => {
  for (let seed = 1; seed <= 10; seed++) {
    const trace = await mixed(seed);
    assert.equal(eventsOf(trace, 'bind')[0]?.tls, true);
    const done = eventsOf(trace, 'tlsHandshake').filter((e) => e.ok);
    assert.equal(done.length, 1, `seed ${seed}: one completed handshake`);
    const ch = done[0]!.ch;
    const firstData = eventsOf(trace, 'read').find((e) => e.ch === ch && e.n > 0);
    assert.ok(firstData && firstData.seq > done[0]!.seq, `seed ${seed}: no application byte read before the handshake`);
    const sessions = eventsOf(trace, 'session');
    assert.deepEqual(sessions.map((e) => e.ch), [ch], `seed ${seed}: only the TLS peer got a session`);
    const failed = eventsOf(trace, 'tlsHandshake').filter((e) => !e.ok);
    assert.equal(failed.length, 1, `seed ${seed}: the plaintext peer failed`);
    assert.match(failed[0]!.error ?? '', /not a TLS record/);
    const closeOf = (c: string) => eventsOf(trace, 'close').find((e) => e.ch === c);
    assert.equal(closeOf(failed[0]!.ch)?.reason, 'Unsuccessful handshake');
    for (const read of eventsOf(trace, 'read').filter((e) => e.ch === failed[0]!.ch)) assert.ok(read.n <= 0, 'no plaintext byte was read as data');
  }
});

test('[netty.tls] sim: a peer that never finishes its handshake is closed at the idle timeout (a deliberate difference from ZooKeeper)', SIM, async () => {
  const trace = await mixed(3);
  const expired = eventsOf(trace, 'close').filter((e) => e.reason === 'connection_expired');
  assert.equal(expired.length, 1);
  assert.equal(eventsOf(trace, 'tlsHandshake').some((e) => e.ch === expired[0]!.ch), false, 'it was still handshaking');
  assert.ok(expired[0]!.t >= 5_000);
});
