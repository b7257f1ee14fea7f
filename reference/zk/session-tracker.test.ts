/** The session tracker on the node runtime: ids, deadlines on tick boundaries, expiry on its own thread. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { firstSessionId, SessionTracker, type Session } from './session-tracker.ts';
import { eventually } from './test-support.ts';

const T = { timeout: 10_000 };

function tracker(t: { after(fn: () => Promise<void>): void }, tickTime: number) {
  const runtime = createNodeRuntime({ logger: { log() {} } });
  const expired: { session: Session; at: number }[] = [];
  const sessions = new SessionTracker(runtime, tickTime, 0x100n, async (session) => void expired.push({ session, at: runtime.clock.now() }));
  t.after(async () => {
    await sessions.shutdown();
    await runtime.dispose();
  });
  return { runtime, sessions, expired };
}

test('[zk.session-lifecycle] unit: session ids carry server id 1 in the top byte and the start time above a counter', T, () => {
  const id = firstSessionId(0x1234);
  assert.equal(id >> 56n, 1n);
  assert.equal((id >> 16n) & 0xffffffffffn, 0x1234n);
  assert.equal(id & 0xffffn, 0n);
});

test('[zk.session-expiry] unit: a session expires on the tracker thread, not before its timeout and on a tick boundary', T, async (t) => {
  const { runtime, sessions, expired } = tracker(t, 20);
  sessions.start();
  const created = runtime.clock.now();
  const s = sessions.create(60);
  assert.equal(s.deadline % 20, 0);
  assert.ok(s.deadline > created + 60 && s.deadline <= created + 80, `deadline ${s.deadline} for a session made at ${created}`);
  assert.equal(sessions.create(60).id, s.id + 1n, 'ids count up');
  await eventually('both sessions to expire', () => expired.length === 2);
  for (const e of expired) assert.ok(e.at >= e.session.deadline, `expired at ${e.at}, deadline ${e.session.deadline}`);
  assert.equal(sessions.count(), 0);
});

test('[zk.session-expiry] unit: touching a session postpones its expiry and a removed session never expires', T, async (t) => {
  const { runtime, sessions, expired } = tracker(t, 10);
  sessions.start();
  // A timeout well above the touch interval, so that a slow timer on a loaded machine cannot expire it early.
  const kept = sessions.create(300);
  const removed = sessions.create(300);
  assert.equal(sessions.remove(removed.id), true);
  const until = runtime.clock.now() + 450;
  while (runtime.clock.now() < until) {
    assert.equal(sessions.touch(kept.id), true);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(expired.length, 0, 'nothing expired while touched');
  await eventually('the untouched session to expire', () => expired.length === 1);
  assert.equal(expired[0]?.session.id, kept.id);
  assert.equal(sessions.touch(kept.id), false, 'an expired session cannot be touched');
});

test('[zk.session-expiry] unit: the tracker thread ends on shutdown whether idle or waiting for a deadline', T, async (t) => {
  const idle = tracker(t, 1000);
  idle.sessions.start();
  await idle.sessions.shutdown();
  const busy = tracker(t, 1000);
  busy.sessions.start();
  busy.sessions.create(60_000);
  await new Promise<void>((resolve) => setImmediate(resolve));
  await busy.sessions.shutdown();
  assert.deepEqual(busy.expired, []);
});

test('[expiry.session-timeout, zk.session-expiry] unit: a due session whose connection read a frame since its last touch lives on from that frame\'s time', T, async (t) => {
  const runtime = createNodeRuntime({ logger: { log() {} } });
  const expired: bigint[] = [];
  let heard: number | undefined;
  const sessions = new SessionTracker(runtime, 10, 0x100n, async (s) => void expired.push(s.id), () => heard);
  t.after(async () => {
    await sessions.shutdown();
    await runtime.dispose();
  });
  sessions.start();
  const s = sessions.create(200);
  // Frames keep arriving (parked behind the client's unread output, so nothing touches the session itself).
  const until = runtime.clock.now() + 500;
  while (runtime.clock.now() < until) {
    heard = runtime.clock.now();
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(expired, [], 'frames read since the last touch kept it');
  const lastHeard = heard as number;
  await eventually('the session to expire once nothing more is heard', () => expired.length === 1);
  assert.equal(expired[0], s.id);
  assert.ok(runtime.clock.now() >= lastHeard + 200, 'not before the last frame + timeout');
});
