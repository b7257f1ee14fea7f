/**
 * The suite bites: each mutant factory in fixtures/mutants/ (the reference NIO factory with one defect) must be
 * rejected by the conformance suite run in-process with its default strategy (random walk) and a fixed seed, for
 * the requirement the defect breaks, and the replay token of the failure must reproduce a failure for that same
 * requirement. A mutant the suite does not kill is a todo here, with the reason (see docs/kill-matrix.md,
 * written by bench/kill-matrix.ts).
 *
 * The requirement may be named by the shrunk case's first finding or by another finding of the same case: the
 * shrinker keeps whatever still fails, and for some mutants the smallest failing case also fails a harness check
 * (a busy loop, a hung peer) that is listed first.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFactory } from '../harness/factory-module.ts';
import { runSuite, type Failure } from '../harness/run-suite.ts';
import { decodeSuiteToken } from '../harness/suite-token.ts';
import type { HarnessCheck } from '../harness/checks/harness-check.ts';
import { shuffleCheck } from '../harness/checks/shuffle-check.ts';
import { heldUnderLimitCheck } from '../harness/checks/held-under-limit-check.ts';
import { closeSessionCheck } from '../harness/checks/close-session-check.ts';

const TIMEOUT = { timeout: 60_000 };
/** For mutants found only after several hundred runs (a few seconds each on a loaded machine). */
const LONG_TIMEOUT = { timeout: 180_000 };
const SEED = 1;
/** Runs per mutant at most; every killable mutant here falls well within it. */
const RUNS = 2_000;

function requirementsOf(failure: Failure): string[] {
  return [...new Set([failure.finding, ...failure.others].flatMap((f) => f.requirements))];
}

function describeFailure(failure: Failure): string {
  return `${failure.finding.source}: ${failure.finding.message} (requirements ${requirementsOf(failure).join(', ')}; token ${failure.token})`;
}

/** `alsoBroken`: other requirements the defect breaks, any of which the shortest failing case may show instead. */
async function assertRejected(mutant: string, requirement: string, alsoBroken: readonly string[] = []): Promise<void> {
  const wanted = [requirement, ...alsoBroken];
  const shows = (failure: Failure) => requirementsOf(failure).some((id) => wanted.includes(id));
  const path = fileURLToPath(new URL(`../../fixtures/mutants/${mutant}.ts`, import.meta.url));
  const { module: factory } = await loadFactory(path);
  const strategy = { kind: 'random' } as const;
  const result = await runSuite({ factory, runs: RUNS, seed: SEED, strategy });
  const failure = result.failure;
  assert.ok(failure, `mutant ${mutant} survived ${result.runs} runs (seed ${SEED}, random walk)`);
  assert.ok(shows(failure), `mutant ${mutant} failed, but not for ${wanted.join(' or ')}: ${describeFailure(failure)}`);
  assert.ok(failure.trace.length <= failure.firstTraceLength, `the shrunk case (${failure.trace.length} events) is longer than the first failure (${failure.firstTraceLength})`);

  const replayed = await runSuite({ factory, runs: 1, seed: SEED, strategy, replay: decodeSuiteToken(failure.token) });
  assert.ok(replayed.failure, `replaying ${failure.token} against mutant ${mutant} passed`);
  assert.ok(
    shows(replayed.failure),
    `replaying ${failure.token} failed, but not for ${wanted.join(' or ')}: ${describeFailure(replayed.failure)}`,
  );
}

/** A defect no single trace shows (the order keys are handled in, over many selects) is judged by its harness check. */
async function assertRejectedByCheck(mutant: string, check: HarnessCheck, requirement: string): Promise<void> {
  const path = fileURLToPath(new URL(`../../fixtures/mutants/${mutant}.ts`, import.meta.url));
  const { module: factory } = await loadFactory(path);
  const outcome = await check.run(factory);
  assert.ok(outcome.findings.some((f) => f.requirements.includes(requirement)), `the ${check.name} check passed mutant ${mutant}: ${JSON.stringify(outcome)}`);
}

test('[selector.register-on-owner] mutant register-on-accept-thread is rejected', TIMEOUT, () => assertRejected('register-on-accept-thread', 'selector.register-on-owner'));

test('[selector.interest-via-update-queue] mutant worker-restores-interest is rejected', TIMEOUT, () =>
  assertRejected('worker-restores-interest', 'selector.interest-via-update-queue'));

test('[selector.wakeup-after-offer] mutant wakeup-before-offer is rejected', TIMEOUT, () => assertRejected('wakeup-before-offer', 'selector.wakeup-after-offer'));

test('[selector.wakeup-after-offer] mutant offer-without-wakeup (acceptedQueue) is rejected', TIMEOUT, () =>
  assertRejected('offer-without-wakeup', 'selector.wakeup-after-offer'));

test('[selector.wakeup-after-offer] mutant update-without-wakeup (updateQueue) is rejected', TIMEOUT, () =>
  assertRejected('update-without-wakeup', 'selector.wakeup-after-offer'));

test('[io.exclusive] mutant no-interest-clear is rejected', TIMEOUT, () => assertRejected('no-interest-clear', 'io.exclusive'));

test('[expiry.buckets] mutant expiry-early is rejected', TIMEOUT, () => assertRejected('expiry-early', 'expiry.buckets'));

test('[expiry.buckets] mutant expiry-late is rejected', TIMEOUT, () => assertRejected('expiry-late', 'expiry.buckets'));

test('[expiry.buckets] mutant no-expiry is rejected', TIMEOUT, () => assertRejected('no-expiry', 'expiry.buckets'));

test('[expiry.touch] mutant no-touch-after-io is rejected (an IO pass that takes virtual time)', TIMEOUT, () =>
  // Its early expiry is also a close with no cause, which may be what the shortest case shows.
  assertRejected('no-touch-after-io', 'expiry.touch', ['expiry.buckets', 'cnxn.close']));

test('[cnxn.interest-ops] mutant selectable-after-restore is rejected', TIMEOUT, () =>
  // The connection it strands may be waiting for any reply, its ConnectResponse included: the reply model names that one.
  assertRejected('selectable-after-restore', 'cnxn.interest-ops', ['wire.handshake', 'wire.order']));

test('[accept.round-robin] mutant round-robin-stuck is rejected', TIMEOUT, () => assertRejected('round-robin-stuck', 'accept.round-robin'));

test('[accept.per-ip-limit] mutant per-ip-not-released is rejected', TIMEOUT, () => assertRejected('per-ip-not-released', 'accept.per-ip-limit'));

test('[factory.lifecycle-stop] mutant queued-not-closed-on-stop is rejected', TIMEOUT, () => assertRejected('queued-not-closed-on-stop', 'factory.lifecycle-stop'));

test('[cnxn.outgoing-buffers] mutant partial-write-drops-rest is rejected', TIMEOUT, () =>
  // The bytes it drops may be the ConnectResponse's or a reply's: the peers' reply model names what went missing.
  assertRejected('partial-write-drops-rest', 'cnxn.outgoing-buffers', ['wire.handshake', 'wire.order']));

test('[cnxn.outgoing-buffers] mutant outgoing-reordered is rejected', TIMEOUT, () => assertRejected('outgoing-reordered', 'cnxn.outgoing-buffers'));

test('[io.exclusive] mutant two-io-items is rejected', TIMEOUT, () => assertRejected('two-io-items', 'io.exclusive'));

test('[accept.loop] mutant accept-loop-dies is rejected', TIMEOUT, () => assertRejected('accept-loop-dies', 'accept.loop'));

test('[factory.lifecycle-start-once] mutant start-twice is rejected', TIMEOUT, () => assertRejected('start-twice', 'factory.lifecycle-start-once'));

test('[lifecycle.open-accept-io-clean] mutant register-failure-leaks is rejected', TIMEOUT, () =>
  // The leaked channel is neither registered nor closed; the shortest case may show it first as open after stop.
  assertRejected('register-failure-leaks', 'lifecycle.open-accept-io-clean', ['factory.lifecycle-stop']));

test('[factory.lifecycle-stop] mutant workers-not-interrupted is rejected', TIMEOUT, () => assertRejected('workers-not-interrupted', 'factory.lifecycle-stop'));

test('[cnxn.framing] mutant corrupts-frame-byte is rejected', TIMEOUT, () => assertRejected('corrupts-frame-byte', 'cnxn.framing'));

test('[cnxn.outgoing-buffers] mutant drops-cross-thread-reply is rejected (a reply from a handler thread racing the IO pass)', TIMEOUT, () =>
  assertRejected('drops-cross-thread-reply', 'cnxn.outgoing-buffers', ['wire.order']));

test('[cnxn.interest-ops] mutant cross-thread-send-no-interest is rejected', TIMEOUT, () => assertRejected('cross-thread-send-no-interest', 'cnxn.interest-ops'));

test('[cnxn.throttle] mutant ignores-disable-recv is rejected (a throttling handler thread, pipelined requests)', TIMEOUT, () =>
  assertRejected('ignores-disable-recv', 'cnxn.throttle'));

test('[accept.max-cnxns] mutant ignores-max-cnxns is rejected', TIMEOUT, () => assertRejected('ignores-max-cnxns', 'accept.max-cnxns'));

test('[cnxn.four-letter-word] mutant answers-second-word is rejected', TIMEOUT, () => assertRejected('answers-second-word', 'cnxn.four-letter-word'));

// The blind spots of issue 11, each planted in the reference (the independent factory has its own mutants for them).

test('[cnxn.framing] mutant two-frames-per-pass is rejected', TIMEOUT, () => assertRejected('two-frames-per-pass', 'cnxn.framing'));

test('[cnxn.framing] mutant no-max-buffer-check is rejected', TIMEOUT, () => assertRejected('no-max-buffer-check', 'cnxn.framing', ['wire.bad-frame']));

test('[selector.shuffle] mutant no-shuffle is rejected by the shuffle check', TIMEOUT, () => assertRejectedByCheck('no-shuffle', shuffleCheck, 'selector.shuffle'));

test('[accept.pause-on-failure] mutant no-accept-pause is rejected', TIMEOUT, () => assertRejected('no-accept-pause', 'accept.pause-on-failure'));

test('[cnxn.outgoing-buffers] mutant close-after-flush-never is rejected', TIMEOUT, () =>
  // A connection left open after its close after flush is a close that never happened: cnxn.close may be named.
  assertRejected('close-after-flush-never', 'cnxn.outgoing-buffers', ['cnxn.close']));

test('[cnxn.outgoing-buffers] mutant close-after-flush-at-once is rejected', TIMEOUT, () => assertRejected('close-after-flush-at-once', 'cnxn.outgoing-buffers'));

test('[cnxn.close] mutant reason-outside-set is rejected', TIMEOUT, () => assertRejected('reason-outside-set', 'cnxn.close'));

test('[factory.host-runtime-only] mutant worker-dies-on-handler-error is rejected', TIMEOUT, () =>
  // The pass the dead worker held never restores its connection's interest: a reply left unwritten may show first.
  assertRejected('worker-dies-on-handler-error', 'factory.host-runtime-only', ['cnxn.interest-ops', 'wire.order']));

test('[cnxn.close] mutant connection-closed-twice is rejected', TIMEOUT, () => assertRejected('connection-closed-twice', 'cnxn.close'));

test('[accept.per-ip-limit] mutant per-ip-limit-ignored is rejected', TIMEOUT, () => assertRejected('per-ip-limit-ignored', 'accept.per-ip-limit'));

test('[expiry.buckets] mutant expire-at-half-timeout is rejected', TIMEOUT, () => assertRejected('expire-at-half-timeout', 'expiry.buckets', ['cnxn.close']));

test('[selector.invalid-key] mutant interest-on-cancelled-key is rejected', TIMEOUT, () => assertRejected('interest-on-cancelled-key', 'selector.invalid-key'));

// Options the harness gives that only the handler's or the harness's own observations can hold a factory to.

test('[cnxn.throttle] mutant ignores-outstanding-limit (globalOutstandingLimit) is rejected', LONG_TIMEOUT, () => assertRejected('ignores-outstanding-limit', 'cnxn.throttle'));

test('[factory.lifecycle-stop] mutant busy-workers-not-interrupted (shutdownTimeout) is rejected', LONG_TIMEOUT, () =>
  assertRejected('busy-workers-not-interrupted', 'factory.lifecycle-stop'));

// The hunt for defects the suite did not catch (single-point defects in paths no mutant above reached). Each was
// run at the default budget first; the ones that survived led to the suite changes named beside them.

test('[expiry.buckets] mutant expiry-bucket-at-deadline is rejected (a deadline on a bucket boundary)', LONG_TIMEOUT, () =>
  assertRejected('expiry-bucket-at-deadline', 'expiry.buckets', ['expiry.touch', 'cnxn.close']));

test('[accept.per-ip-limit] mutant per-ip-leak-on-register-failure is rejected', LONG_TIMEOUT, () => assertRejected('per-ip-leak-on-register-failure', 'accept.per-ip-limit'));

test('[accept.per-ip-limit] mutant per-ip-leak-on-handoff-failure is rejected', LONG_TIMEOUT, () =>
  assertRejected('per-ip-leak-on-handoff-failure', 'accept.per-ip-limit', ['accept.max-cnxns']));

test('[accept.per-ip-limit] mutant eof-close-stays-registered is rejected (the close an end of stream causes)', LONG_TIMEOUT, () =>
  assertRejected('eof-close-stays-registered', 'accept.per-ip-limit', ['cnxn.close', 'accept.max-cnxns']));

test('[expiry.touch] mutant set-session-no-touch is rejected (a handler that works between setSession and the ConnectResponse)', LONG_TIMEOUT, () =>
  assertRejected('set-session-no-touch', 'expiry.touch', ['expiry.buckets', 'expiry.session-timeout', 'cnxn.close']));

test('[cnxn.interest-ops] mutant enable-recv-no-update is rejected (a throttle lifted after the reply was written)', LONG_TIMEOUT, () =>
  assertRejected('enable-recv-no-update', 'cnxn.interest-ops', ['cnxn.throttle', 'wire.order']));

test('[cnxn.framing] mutant max-buffer-off-by-one is rejected (a frame of exactly jute.maxbuffer bytes)', LONG_TIMEOUT, () =>
  // The close it makes has no cause the trace shows, which close-has-cause may name first.
  assertRejected('max-buffer-off-by-one', 'cnxn.framing', ['cnxn.close', 'wire.handshake', 'wire.order']));

test('[expiry.thread] mutant expirer-not-interrupted is rejected', LONG_TIMEOUT, () => assertRejected('expirer-not-interrupted', 'expiry.thread', ['factory.lifecycle-stop']));

test('[accept.pause-on-failure] mutant accept-never-resumed is rejected (OP_ACCEPT never restored after a pause)', LONG_TIMEOUT, () =>
  assertRejected('accept-never-resumed', 'accept.pause-on-failure'));

test('[accept.max-cnxns] mutant max-cnxns-off-by-one is rejected', LONG_TIMEOUT, () => assertRejected('max-cnxns-off-by-one', 'accept.max-cnxns'));

test('[cnxn.interest-ops] mutant partial-write-no-write-interest is rejected (stale interest after a partial write)', LONG_TIMEOUT, () =>
  assertRejected('partial-write-no-write-interest', 'cnxn.interest-ops', ['cnxn.outgoing-buffers', 'wire.handshake', 'wire.order', 'cnxn.four-letter-word']));

test('[cnxn.close] mutant expiry-close-not-notified is rejected', LONG_TIMEOUT, () => assertRejected('expiry-close-not-notified', 'cnxn.close'));

test('[expiry.session-timeout] mutant session-timeout-ignored is rejected', LONG_TIMEOUT, () =>
  assertRejected('session-timeout-ignored', 'expiry.session-timeout', ['expiry.buckets', 'expiry.touch', 'cnxn.close']));

test('[expiry.touch] mutant write-only-pass-not-touched is rejected (a pass that only wrote)', LONG_TIMEOUT, () =>
  assertRejected('write-only-pass-not-touched', 'expiry.touch', ['expiry.buckets', 'cnxn.close']));

test('[accept.round-robin] mutant refusal-takes-a-turn is rejected (a refusal for maxCnxns moves the turn on)', LONG_TIMEOUT, () =>
  assertRejected('refusal-takes-a-turn', 'accept.round-robin'));

test('[cnxn.throttle] mutant connect-hold-ends-on-return is rejected (requests pipelined behind a ConnectRequest)', LONG_TIMEOUT, () =>
  assertRejected('connect-hold-ends-on-return', 'cnxn.throttle'));

test('[cnxn.throttle] mutant in-flight-leaked-on-close is rejected by the held-under-limit check (a closed connection\'s requests kept in the count)', TIMEOUT, () =>
  // The generated scenarios' handler answers every request, so a wrongly held connection is only read later: a handler holding its replies shows it.
  assertRejectedByCheck('in-flight-leaked-on-close', heldUnderLimitCheck, 'cnxn.throttle'));

// The factory's closeSession, reached by the handler's kicks in the search and made on purpose by the closeSession check.

test('[cnxn.close] mutant close-session-wrong-connection is rejected (closeSession closes a connection registered later)', LONG_TIMEOUT, () =>
  // The connection closed in its place has no cause for its close, which expiry-on-time may name first.
  assertRejected('close-session-wrong-connection', 'cnxn.close', ['expiry.buckets', 'expiry.touch']));

test('[accept.per-ip-limit] mutant close-session-stays-registered is rejected by the closeSession check', TIMEOUT, () =>
  assertRejectedByCheck('close-session-stays-registered', closeSessionCheck, 'accept.per-ip-limit'));

test('[accept.per-ip-limit] mutant close-session-per-ip-kept is rejected by the closeSession check', TIMEOUT, () =>
  assertRejectedByCheck('close-session-per-ip-kept', closeSessionCheck, 'accept.per-ip-limit'));

test('[cnxn.close] mutant close-session-reason-ignored is rejected (closeSession closes with a reason of its own)', LONG_TIMEOUT, () =>
  assertRejected('close-session-reason-ignored', 'cnxn.close', ['expiry.buckets', 'expiry.touch']));

test('[accept.pause-on-failure] mutant accept-pause-keeps-interest is rejected (a pause that leaves OP_ACCEPT set)', LONG_TIMEOUT, () =>
  assertRejected('accept-pause-keeps-interest', 'accept.pause-on-failure'));

test('[factory.lifecycle-stop] mutant accept-pause-not-woken is rejected (a stop during an accept pause)', LONG_TIMEOUT, () =>
  assertRejected('accept-pause-not-woken', 'factory.lifecycle-stop', ['accept.pause-on-failure']));

test('[expiry.buckets] mutant expiry-first-of-bucket-only is rejected (two connections idle in one interval)', LONG_TIMEOUT, () =>
  assertRejected('expiry-first-of-bucket-only', 'expiry.buckets'));
