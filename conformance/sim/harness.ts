/**
 * The runtime contract suite's harness over the simulation. Each harness is one simulation, scheduled by a
 * random walk from the given seed. run(body) runs body as the logical thread `main` (and with it every thread
 * it starts) until body returns; a run that cannot finish (deadlock, a bound, a thread that awaited something
 * outside the runtime) rejects with CNXNSPEC_ERR_SIM and the replay token. connect() and the TestPeer's methods
 * are scheduling points of the calling thread; receive(n) reads in the background (see sim-test-peer.ts).
 */

import type { SocketAddress } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import type { HarnessFactory, PeerOptions, RuntimeHarness, TestPeer } from '../suites/runtime-harness.ts';
import { describeOutcome } from './outcome.ts';
import { simError } from './sim-error.ts';
import { createSimulation, type Simulation } from './simulation.ts';

class SimHarness implements RuntimeHarness {
  readonly kind = 'sim';
  private disposed = false;

  constructor(private readonly sim: Simulation) {}

  get runtime() {
    return this.sim.runtime;
  }

  async run(body: () => Promise<void>): Promise<void> {
    if (this.disposed) throw simError('this harness was disposed; make a new one');
    const outcome = await this.sim.run({ main: () => body() });
    if (outcome.status === 'done') return;
    if (outcome.errorSource === 'main') throw outcome.error;
    throw simError(`the simulated run did not finish: ${describeOutcome(outcome)}`, outcome.error);
  }

  connect(address: SocketAddress, options?: PeerOptions): Promise<TestPeer> {
    return this.sim.network.connectPeer(address, options);
  }

  trace(): readonly TraceEvent[] {
    return this.sim.trace();
  }

  /** Nothing real to release: no sockets, timers or processes. Threads left parked are dropped with the harness. */
  async dispose(): Promise<void> {
    this.disposed = true;
  }

  /** For failure messages: replays this harness's schedule. */
  token(): string {
    return this.sim.token();
  }
}

export const simHarness: HarnessFactory = async ({ seed }) => new SimHarness(createSimulation({ seed }));
