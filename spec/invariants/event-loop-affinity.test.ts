/**
 * Fixtures of the event-loop invariants. event-loop-affinity is not in the default list (it judges event-loop designs
 * only), and the Netty-style good traces (`*.netty-good.jsonl`) are judged only by the invariants that apply to an
 * event-loop design: NIO's interest-via-update-queue, for one, rightly flags a loop that restores interest ops itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '../trace/events.ts';
import { eventLoopInvariants } from './index.ts';
import { eventLoopAffinity } from './event-loop-affinity.ts';
import { acceptedEndsRegisteredOrClosed } from './accepted-ends-registered-or-closed.ts';
import { outgoingCompleteInOrder } from './outgoing-complete-in-order.ts';
import { stopEndsEverything } from './stop-ends-everything.ts';
import { tlsBeforeFrames } from './tls-before-frames.ts';

function load(name: string): TraceEvent[] {
  const text = readFileSync(fileURLToPath(new URL(`../../fixtures/traces/${name}`, import.meta.url)), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as TraceEvent);
}

test('invariants: event-loop-affinity (proves netty.event-loop-affinity) flags a write from another thread, with evidence', () => {
  const violations = eventLoopAffinity.check(load('event-loop-affinity.bad.jsonl'), { atQuiescence: true });
  assert.equal(violations.length, 1);
  assert.deepEqual(violations[0]!.requirements, ['netty.event-loop-affinity']);
  assert.match(violations[0]!.message, /write of ch0 ran on main, but ch0 belongs to the loop zkNetty-worker-1/);
  assert.equal(violations[0]!.evidence.length, 2);
});

test('invariants: the Netty-style good fixtures pass every invariant that applies to an event-loop design', () => {
  const applicable = [eventLoopAffinity, tlsBeforeFrames, acceptedEndsRegisteredOrClosed, stopEndsEverything];
  for (const file of ['event-loop-affinity.netty-good.jsonl', 'tls-before-frames.netty-good.jsonl']) {
    const trace = load(file);
    for (const invariant of applicable) assert.deepEqual(invariant.check(trace, { atQuiescence: true }), [], `${invariant.name} on ${file}`);
  }
  // Not on the TLS trace: the simulated ServerHello reaches the peer without being queued by the factory, and
  // outgoing-complete-in-order counts every byte the peer receives.
  assert.deepEqual(outgoingCompleteInOrder.check(load('event-loop-affinity.netty-good.jsonl'), { atQuiescence: true }), []);
  assert.ok(eventLoopInvariants.includes(eventLoopAffinity));
});
