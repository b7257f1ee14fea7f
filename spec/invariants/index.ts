/** Every invariant, in the order reports list them. */

import type { Invariant, Violation, CheckContext } from './invariant.ts';
import type { TraceEvent } from '../trace/events.ts';
import { registerOnOwner } from './register-on-owner.ts';
import { interestViaUpdateQueue } from './interest-via-update-queue.ts';
import { wakeupAfterOffer } from './wakeup-after-offer.ts';
import { expiryOnTime } from './expiry-on-time.ts';
import { ioExclusive } from './io-exclusive.ts';
import { roundRobin } from './round-robin.ts';
import { perIpLimit } from './per-ip-limit.ts';
import { acceptedEndsRegisteredOrClosed } from './accepted-ends-registered-or-closed.ts';
import { outgoingCompleteInOrder } from './outgoing-complete-in-order.ts';
import { stopEndsEverything } from './stop-ends-everything.ts';
import { livenessNoLostWakeup } from './liveness-no-lost-wakeup.ts';
import { livenessRepliesOwed } from './liveness-replies-owed.ts';
import { acceptPauseOnFailure } from './accept-pause-on-failure.ts';
import { throttleStopsReads } from './throttle-stops-reads.ts';
import { configuredMatchesGiven } from './configured-matches-given.ts';
import { closeHasCause } from './close-has-cause.ts';
import { factsMatchObservation } from './facts-match-observation.ts';
import { tlsBeforeFrames } from './tls-before-frames.ts';
import { eventLoopAffinity } from './event-loop-affinity.ts';
import { closeAfterFlush } from './close-after-flush.ts';
import { noIoAfterClose } from './no-io-after-close.ts';
import { stopEndsPromptly } from './stop-ends-promptly.ts';
import { framesAsSent } from './frames-as-sent.ts';
import { handlerExceptionContained } from './handler-exception-contained.ts';
import { connectionClosedOnce } from './connection-closed-once.ts';
import { invalidKeyUntouched } from './invalid-key-untouched.ts';
import { workersEndByShutdownTimeout } from './workers-end-by-shutdown-timeout.ts';

export type { Invariant, Violation, CheckContext };

export const invariants: readonly Invariant[] = [
  registerOnOwner,
  interestViaUpdateQueue,
  wakeupAfterOffer,
  expiryOnTime,
  ioExclusive,
  roundRobin,
  perIpLimit,
  acceptedEndsRegisteredOrClosed,
  outgoingCompleteInOrder,
  stopEndsEverything,
  livenessNoLostWakeup,
  livenessRepliesOwed,
  acceptPauseOnFailure,
  throttleStopsReads,
  configuredMatchesGiven,
  closeHasCause,
  factsMatchObservation,
  tlsBeforeFrames,
  closeAfterFlush,
  noIoAfterClose,
  stopEndsPromptly,
  framesAsSent,
  handlerExceptionContained,
  connectionClosedOnce,
  invalidKeyUntouched,
  workersEndByShutdownTimeout,
];

/** Invariants of event-loop designs only (the netty profile); not run on every factory. */
export const eventLoopInvariants: readonly Invariant[] = [eventLoopAffinity];

/** Runs every invariant (or those given) over one trace. */
export function checkTrace(trace: readonly TraceEvent[], context: CheckContext, only: readonly Invariant[] = invariants): Violation[] {
  return only.flatMap((invariant) => invariant.check(trace, context));
}
