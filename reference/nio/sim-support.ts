/**
 * Helpers for the NIO factory's simulation tests: a RuntimeHarness over a simulation whose faults the test can
 * plan, runtime wrappers that inject failures the simulation has no knob for, and trace readers (who owns which
 * selector, which key belongs to which channel). Test-only; nothing in the factory imports it.
 */
import { RuntimeIOError } from '../../spec/errors.ts';
import type { HostRuntime, Selector, SocketAddress } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { createSimulation, describeOutcome, type FaultPlan, type Simulation } from '../../conformance/sim/index.ts';
import type { PeerOptions, RuntimeHarness, TestPeer } from '../../conformance/suites/runtime-harness.ts';
import { eventsOf } from './test-support.ts';

export const SIM = { timeout: 30_000 };

class PlannedSimHarness implements RuntimeHarness {
  readonly kind = 'sim' as const;
  constructor(readonly sim: Simulation) {}
  get runtime(): HostRuntime {
    return this.sim.runtime;
  }
  async run(body: () => Promise<void>): Promise<void> {
    const outcome = await this.sim.run({ main: () => body() });
    if (outcome.status === 'done') return;
    if (outcome.errorSource === 'main') throw outcome.error;
    throw new Error(`simulated run did not finish: ${describeOutcome(outcome)} (replay ${this.sim.token()})`, { cause: outcome.error });
  }
  connect(address: SocketAddress, options?: PeerOptions): Promise<TestPeer> {
    return this.sim.network.connectPeer(address, options);
  }
  trace(): readonly TraceEvent[] {
    return this.sim.trace();
  }
  async dispose(): Promise<void> {}
}

/** A simulated harness with the given seed and fault plan; `sim` gives access to faults and the clock. */
export function simulate(seed: number, faults?: FaultPlan): PlannedSimHarness {
  return new PlannedSimHarness(createSimulation({ seed, ...(faults ? { faults } : {}) }));
}

/**
 * A runtime whose `index`-th opened selector (0-based, in opening order: the selector threads' first, then the
 * accept thread's) fails its next `times` select calls with EIO before doing anything.
 */
export function failingSelects(runtime: HostRuntime, index: number, times = 1): HostRuntime {
  let opened = 0;
  const wrapped: HostRuntime = Object.create(runtime);
  wrapped.openSelector = async (): Promise<Selector> => {
    const selector = await runtime.openSelector();
    if (opened++ === index) {
      const select = selector.select.bind(selector);
      let left = times;
      selector.select = async (timeoutMs?: number) => {
        if (left-- > 0) throw new RuntimeIOError('EIO', `injected select failure on ${selector.id}`);
        return select(timeoutMs);
      };
    }
    return selector;
  };
  return wrapped;
}

/** Selector id -> the thread that selects on it. */
export function selectorOwners(trace: readonly TraceEvent[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const e of eventsOf(trace, 'selectBegin')) owners.set(e.sel, e.thread);
  return owners;
}

/** Key id -> channel id, from registrations. */
export function keyChannels(trace: readonly TraceEvent[]): Map<string, string> {
  return new Map(eventsOf(trace, 'register').map((e) => [e.key, e.ch]));
}

/** Channel id -> the selector thread it was registered by. */
export function channelOwners(trace: readonly TraceEvent[]): Map<string, string> {
  return new Map(eventsOf(trace, 'register').filter((e) => e.ch.startsWith('ch')).map((e) => [e.ch, e.thread]));
}

/** Events of one thread, in order. */
export function byThread(trace: readonly TraceEvent[], thread: string): TraceEvent[] {
  return trace.filter((e) => e.thread === thread);
}

/** The event that follows `event` on the same thread. */
export function nextOnThread(trace: readonly TraceEvent[], event: TraceEvent): TraceEvent | undefined {
  return trace.find((e) => e.seq > event.seq && e.thread === event.thread);
}

/** Sleeps in virtual (or real) time until `done` holds, at most `limit` polls of `stepMs`. */
export async function until(runtime: HostRuntime, done: () => boolean, stepMs = 1, limit = 10_000): Promise<void> {
  for (let i = 0; i < limit && !done(); i++) await runtime.clock.sleep(stepMs);
  if (!done()) throw new Error(`condition not reached after ${limit} polls`);
}
