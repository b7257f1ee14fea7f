/**
 * The world one simulation shares between its parts: scheduler, virtual clock, trace, id counters, the seeded
 * PRNG for runtime.shuffle, faults, the network and the queues. Internal: factories see only HostRuntime.
 */

import type { TraceBody } from '../../spec/trace/events.ts';
import { SimCosts } from './costs.ts';
import type { SimFaults } from './faults.ts';
import type { Caller } from './ops.ts';
import type { Prng } from './prng.ts';
import type { Scheduler } from './scheduler.ts';
import { interruptedError } from './sim-error.ts';
import type { SimNetwork } from './network.ts';
import type { TraceRecorder } from './trace-recorder.ts';
import type { VirtualClock } from './virtual-clock.ts';

export type IdKind = 'sel' | 'k' | 'ch' | 'ss';

/** What the deadlock classifier asks of every queue. */
export interface QueueState {
  readonly name: string;
  size(): number;
}

export interface SimParts {
  readonly sched: Scheduler;
  readonly clock: VirtualClock;
  readonly trace: TraceRecorder;
  readonly random: Prng;
  readonly faults: SimFaults;
  /** Time that reads and writes take; none by default. */
  readonly costs?: SimCosts;
}

export class SimContext implements SimParts {
  readonly sched: Scheduler;
  readonly clock: VirtualClock;
  readonly trace: TraceRecorder;
  readonly random: Prng;
  readonly faults: SimFaults;
  readonly costs: SimCosts;
  readonly queues: QueueState[] = [];
  /** Set once by the simulation, right after the context (the network needs the context). */
  network!: SimNetwork;
  private readonly counters: Record<IdKind, number> = { sel: 0, k: 0, ch: 0, ss: 0 };

  constructor(parts: SimParts) {
    this.sched = parts.sched;
    this.clock = parts.clock;
    this.trace = parts.trace;
    this.random = parts.random;
    this.faults = parts.faults;
    this.costs = parts.costs ?? new SimCosts();
  }

  /** `sel<n>`, `k<n>`, `ch<n>`, `ss<n>`, each counted from 0 per simulation. */
  nextId(kind: IdKind): string {
    return `${kind}${this.counters[kind]++}`;
  }

  /** Emits an event for the logical thread making the current call (or `thread`, e.g. a peer's name). */
  emit(body: TraceBody, thread: string = this.sched.currentName()): void {
    this.trace.emit(thread, body);
  }

  /** At the start of a blocking call, after its begin event: a pending interrupt ends it at once. */
  checkInterrupt(caller: Caller): void {
    if (!caller.interruptPending) return;
    caller.interruptPending = false;
    this.emit({ ev: 'interrupted', name: caller.name }, caller.name);
    throw interruptedError(caller.name);
  }
}
