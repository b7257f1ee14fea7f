/** Connection expiry in virtual time: buckets, touches, the expirer thread and session timeouts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OP_PING, XID_PING } from '../server/frames.ts';
import { SIM, simulate, until } from './sim-support.ts';
import { eventsOf, handshake, readReply, requestFrame, serveEcho } from './test-support.ts';

const roundUp = (t: number, interval: number) => (Math.floor(t / interval) + 1) * interval;

test('[expiry.sessionless] sim: a connection that never sends is closed by the expirer with connection_expired', SIM, async () => {
  const h = simulate(101);
  await h.run(async () => {
    const { factory, address, handler } = await serveEcho(h.runtime, { numWorkerThreads: 1 });
    const peer = await h.connect(address);
    await peer.closed();
    assert.deepEqual(handler.closed.map((c) => c.reason), ['connection_expired']);
    await factory.shutdown();
  });
  const [expire] = eventsOf(h.trace(), 'expire');
  const [created] = eventsOf(h.trace(), 'cnxnCreated');
  assert.ok(expire && created);
  assert.equal(expire.t, roundUp(created.t + 10_000, 10_000), 'default 10 s timeout, first bucket after it');
});

test('[expiry.buckets] sim: every connection closes at the first bucket boundary after last touch + timeout, never before', SIM, async () => {
  const h = simulate(102);
  const interval = 1000;
  await h.run(async () => {
    const { factory, address } = await serveEcho(h.runtime, { numWorkerThreads: 1, sessionlessCnxnTimeout: interval });
    const peers = [];
    for (const gap of [0, 130, 240, 629, 1, 900]) {
      await h.runtime.clock.sleep(gap);
      peers.push(await h.connect(address));
    }
    for (const peer of peers) await peer.closed();
    await factory.shutdown();
  });
  const trace = h.trace();
  const expires = eventsOf(trace, 'expire');
  assert.equal(expires.length, 6);
  for (const expire of expires) {
    const lastTouch = eventsOf(trace, 'touch').filter((e) => e.ch === expire.ch && e.seq < expire.seq).at(-1);
    assert.ok(lastTouch);
    assert.ok(expire.t > lastTouch.t + interval, 'not at or before the deadline');
    assert.ok(expire.t <= lastTouch.t + 2 * interval, 'within one interval after it');
    assert.equal(expire.t, roundUp(lastTouch.t + interval, interval));
    assert.equal(lastTouch.deadline, expire.t, 'the reported bucket is when it expired');
  }
});

test('[expiry.touch] sim: registration, readiness and finished IO passes touch a connection, so a pinging client outlives an idle one', SIM, async () => {
  const h = simulate(103);
  await h.run(async () => {
    const { factory, address, handler } = await serveEcho(h.runtime, { numWorkerThreads: 1, sessionlessCnxnTimeout: 1000 }, 0, { tickTime: 100 });
    const idle = await h.connect(address);
    await handshake(idle);
    const busy = await h.connect(address);
    await handshake(busy);
    for (let i = 0; i < 8; i++) {
      await h.runtime.clock.sleep(700);
      await busy.send(requestFrame(XID_PING, OP_PING));
      await readReply(busy);
    }
    await idle.closed();
    assert.equal(handler.closed.length, 1, 'only the idle connection expired during 5.6 s');
    await factory.shutdown();
  });
  const trace = h.trace();
  const busyCh = eventsOf(trace, 'cnxnCreated')[1]?.ch;
  const touchSeqs = new Set(eventsOf(trace, 'touch').filter((e) => e.ch === busyCh).map((e) => e.seq));
  const created = eventsOf(trace, 'cnxnCreated').find((e) => e.ch === busyCh);
  assert.ok(created && touchSeqs.has(created.seq - 1), 'touched at registration');
  for (const io of eventsOf(trace, 'ioScheduled').filter((e) => e.ch === busyCh)) assert.ok(touchSeqs.has(io.seq - 1), 'touched before scheduling IO');
  for (const end of eventsOf(trace, 'ioEnd').filter((e) => e.ch === busyCh && e.t < 5000)) assert.ok(touchSeqs.has(end.seq - 1), 'touched after a finished pass');
});

test('[expiry.thread] sim: the expirer sleeps to the next bucket, closes only on its own thread, and stop ends its sleep', SIM, async () => {
  const h = simulate(104);
  await h.run(async () => {
    const { factory, address } = await serveEcho(h.runtime, { numWorkerThreads: 1, sessionlessCnxnTimeout: 500 });
    await h.runtime.clock.sleep(120);
    await (await h.connect(address)).closed();
    await h.runtime.clock.sleep(250);
    await factory.shutdown();
  });
  const trace = h.trace();
  const sleeps = eventsOf(trace, 'sleep').filter((e) => e.thread === 'ConnnectionExpirer');
  for (const s of sleeps) assert.equal((s.t + s.ms) % 500, 0, 'each sleep ends on a bucket boundary');
  const expiredCloses = eventsOf(trace, 'close').filter((e) => e.reason === 'connection_expired');
  assert.equal(expiredCloses.length, 1);
  assert.equal(expiredCloses[0]?.thread, 'ConnnectionExpirer');
  assert.ok(eventsOf(trace, 'interrupted').some((e) => e.name === 'ConnnectionExpirer'));
  const end = eventsOf(trace, 'threadEnd').find((e) => e.name === 'ConnnectionExpirer');
  assert.ok(end && end.t < 1500, 'ended at stop, not at its next bucket');
});

test('[expiry.session-timeout] sim: after the handshake the idle timeout is the negotiated session timeout', SIM, async () => {
  const h = simulate(105);
  await h.run(async () => {
    // tickTime 100: session timeouts are clamped to [200, 2000]; the sessionless timeout is 1000.
    const { factory, address, handler } = await serveEcho(h.runtime, { numWorkerThreads: 1, sessionlessCnxnTimeout: 1000 }, 0, { tickTime: 100 });
    const peer = await h.connect(address);
    const response = await handshake(peer, 300);
    assert.equal(response.timeOut, 300);
    await peer.closed();
    assert.deepEqual(handler.closed.map((c) => c.reason), ['connection_expired']);
    await factory.shutdown();
  });
  const trace = h.trace();
  const [session] = eventsOf(trace, 'session');
  const [expire] = eventsOf(trace, 'expire');
  assert.equal(session?.timeout, 300);
  const lastTouch = eventsOf(trace, 'touch').filter((e) => e.seq < (expire?.seq ?? 0)).at(-1);
  assert.ok(lastTouch && expire);
  assert.equal(expire.t, roundUp(lastTouch.t + 300, 1000), 'expired by the 300 ms session timeout, not the 1000 ms sessionless one');
  assert.ok(expire.t < lastTouch.t + 1000 + 1);
});

test('[expiry.session-timeout] sim: closing the session of an established connection by id closes its connection', SIM, async () => {
  const h = simulate(106);
  await h.run(async () => {
    const { factory, address, handler } = await serveEcho(h.runtime, { numWorkerThreads: 1 });
    const peer = await h.connect(address);
    const { sessionId } = await handshake(peer);
    // What a session tracker does when the session expires: close its connection with client_closed_session.
    assert.equal(await factory.closeSession(sessionId, 'client_closed_session'), true);
    await peer.closed();
    await until(h.runtime, () => handler.closed.length === 1);
    assert.equal(handler.closed[0]?.reason, 'client_closed_session');
    await factory.shutdown();
  });
});
