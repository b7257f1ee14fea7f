/**
 * The core loop. Exactly one logical thread runs at a time; every runtime call parks its thread at a gate and
 * the strategy picks who takes the next step among the runnable actors. A picked thread's operation runs then,
 * atomically (so its trace event is emitted then), and the thread runs on until its next runtime call, its end,
 * or a wait; the loop waits for that (on microtasks only; see watchdog.ts for threads that wait on anything else).
 * Virtual time moves only when nothing is runnable, straight to the earliest deadline.
 *
 * Steps of the loop (run):
 *   1. stop on a failure, or when `until` holds;
 *   2. collect the runnable actors in creation order;
 *   3. if none: jump to the earliest deadline, or stop (`stuck`, for the caller to classify, or `time-bound`);
 *   4. stop at the step bound; else ask the strategy, record the pick, and take the step.
 *
 * Implements runtime.deterministic-replay (the picks alone decide every interleaving) and runtime.virtual-time.
 */

import type { Actor, Gate, StepActor } from './actor.ts';
import { ThreadActor } from './actor.ts';
import type { Caller, Op } from './ops.ts';
import { immediate } from './ops.ts';
import { interruptedError, simError } from './sim-error.ts';
import type { SchedulingStrategy } from './strategy.ts';
import type { VirtualClock } from './virtual-clock.ts';
import { Watchdog } from './watchdog.ts';

export interface LoopLimits {
  /** Steps this run may take. */
  readonly maxSteps: number;
  /** Virtual time (absolute, ms) the clock may not pass. */
  readonly maxVirtualTime: number;
  readonly until?: () => boolean;
}

export type LoopStatus = 'done' | 'stuck' | 'step-bound' | 'time-bound' | 'error';

export interface LoopResult {
  readonly status: LoopStatus;
  readonly error?: unknown;
}

/** Let the event loop breathe this often (I/O, test timeouts); it changes nothing the simulation decides. */
const YIELD_EVERY = 1024;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Scheduler {
  /** The index picked at every step: replaying them as a random walk's choices gives the same run. */
  readonly picks: number[] = [];
  private readonly actors: Actor[] = [];
  private running: ThreadActor | undefined;
  private active = false;
  private failure: { readonly error: unknown } | undefined;
  private awaited: ThreadActor | undefined;
  private parkedSignal: Gate<void> | undefined;
  private orders = 0;
  private readonly watchdog: Watchdog;
  /** The runnable actors at the current step: the first as many as are runnable, written over every step. */
  private readonly runnable: Actor[] = [];
  /**
   * Their names, for the strategy: one array for each number of runnable actors, written over every step. An
   * array emptied by `length = 0` gives up its storage, so refilling one array made it anew at every step.
   */
  private readonly namesByCount: string[][] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly strategy: SchedulingStrategy,
    private readonly defaults: LoopLimits,
  ) {
    this.watchdog = new Watchdog(
      () => (this.awaited ? { thread: this.awaited.name, step: this.picks.length } : undefined),
      (thread, turns) => this.stall(thread, turns),
    );
  }

  get steps(): number {
    return this.picks.length;
  }

  newOrder(): number {
    return this.orders++;
  }

  /** The logical thread making the current call: `main` for code outside any simulated thread. */
  currentName(): string {
    return this.running?.name ?? 'main';
  }

  failed(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  add(actor: Actor): void {
    let at = this.actors.length;
    while (at > 0 && this.actors[at - 1]!.order > actor.order) at--;
    this.actors.splice(at, 0, actor);
  }

  remove(actor: Actor): void {
    const at = this.actors.indexOf(actor);
    if (at >= 0) this.actors.splice(at, 1);
  }

  /** Actors that are not runnable and wait for something, for outcome reports. */
  blocked(): { readonly thread: string; readonly on: string; readonly kind: 'thread' | 'peer' }[] {
    const now = this.clock.now();
    const out: { thread: string; on: string; kind: 'thread' | 'peer' }[] = [];
    for (const actor of this.actors) {
      const on = actor.waitingOn();
      if (on !== undefined && !actor.runnable(now)) out.push({ thread: actor.name, on, kind: actor instanceof ThreadActor ? 'thread' : 'peer' });
    }
    return out;
  }

  /** Makes a started thread's body an actor: it first runs when picked. */
  spawn(actor: ThreadActor, body: () => Promise<void>, onEnd: (threw: boolean, error: unknown) => void): void {
    const first = new Promise<unknown>((resolve, reject) => {
      actor.gate = { resolve, reject };
    });
    actor.op = immediate('start', () => undefined);
    actor.status = 'parked';
    this.add(actor);
    void this.drive(actor, first, body, onEnd);
  }

  /** A runtime call: parks the calling thread with `build`'s operation until the scheduler runs it. */
  call<T>(build: (caller: Caller) => Op<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.enter(build, { resolve, reject }));
  }

  /** As `call`, settling `gate` instead of a new promise (awaitables park only when awaited). */
  enter<T>(build: (caller: Caller) => Op<T>, gate: Gate<T>): void {
    if (this.failure) {
      gate.reject(this.failure.error);
      return;
    }
    const caller = this.running;
    if (caller) {
      this.running = undefined;
      caller.op = build(caller);
      caller.gate = gate as Gate<unknown>;
      caller.status = 'parked';
      this.signalParked(caller);
      return;
    }
    if (this.active) {
      const error = simError(
        'a runtime call was made while no logical thread was running: a thread made two runtime calls at once ' +
          '(await each call before the next), or code outside the simulation called the runtime during a run',
      );
      this.fail(error);
      gate.reject(error);
      return;
    }
    this.external(build).then(gate.resolve, gate.reject);
  }

  async run(limits: LoopLimits): Promise<LoopResult> {
    if (this.active) throw simError('the simulation is already running; run() calls do not nest');
    if (this.failure) return { status: 'error', error: this.failure.error };
    this.active = true;
    const stepLimit = this.steps + limits.maxSteps;
    this.watchdog.start();
    try {
      for (;;) {
        // 1. (through failed(): a step may have set the failure since the check above)
        const failure = this.failed();
        if (failure) return { status: 'error', error: failure.error };
        if (limits.until?.()) return { status: 'done' };
        // 2.
        const now = this.clock.now();
        const runnable = this.runnable;
        let count = 0;
        for (const actor of this.actors) if (actor.runnable(now)) runnable[count++] = actor;
        // 3.
        if (count === 0) {
          const due = this.nextDeadline(now);
          if (due === undefined) return { status: 'stuck' };
          if (due > limits.maxVirtualTime) return { status: 'time-bound' };
          this.clock.advanceTo(due);
          continue;
        }
        // 4.
        if (this.steps >= stepLimit) return { status: 'step-bound' };
        const step = this.steps;
        const names = (this.namesByCount[count] ??= new Array<string>(count));
        for (let i = 0; i < count; i++) names[i] = runnable[i]!.name;
        const index = this.strategy.pick(names, step);
        if (!Number.isInteger(index) || index < 0 || index >= count) {
          throw simError(`strategy ${this.strategy.name} picked ${index} of ${count} runnable at step ${step}`);
        }
        this.picks.push(index);
        const actor = runnable[index]!;
        const resumed = actor instanceof ThreadActor ? this.resume(actor) : (actor as StepActor).step();
        if (resumed) await resumed;
        if (this.steps % YIELD_EVERY === 0) await turn();
      }
    } catch (error) {
      this.fail(error);
      return { status: 'error', error };
    } finally {
      this.awaited = undefined;
      this.parkedSignal = undefined;
      this.running = undefined;
      this.active = false;
      this.watchdog.stop();
    }
  }

  private nextDeadline(now: number): number | undefined {
    let due: number | undefined;
    for (const actor of this.actors) {
      const d = actor.deadline();
      if (d !== undefined && d > now && (due === undefined || d < due)) due = d;
    }
    return due;
  }

  /** Runs the thread's operation; if that completes the call, resumes the thread and returns when it parks again. */
  private resume(actor: ThreadActor): Promise<void> | undefined {
    const op = actor.op!;
    this.running = actor;
    let ok = true;
    let value: unknown;
    try {
      if (actor.aborted) {
        actor.aborted = false;
        op.abort?.();
        throw interruptedError(actor.name);
      }
      const result = op.exec();
      if ('next' in result) {
        actor.op = result.next;
        this.running = undefined;
        return undefined;
      }
      value = result.value;
    } catch (error) {
      ok = false;
      value = error;
    }
    actor.op = undefined;
    const gate = actor.gate!;
    actor.gate = undefined;
    if (actor.external) {
      actor.outcome = { ok, value };
      actor.status = 'ended';
      this.running = undefined;
      this.remove(actor);
      return undefined;
    }
    actor.status = 'running';
    const parked = new Promise<void>((resolve, reject) => {
      this.parkedSignal = { resolve, reject };
    });
    this.awaited = actor;
    if (ok) gate.resolve(value);
    else gate.reject(value);
    return parked;
  }

  private signalParked(actor: ThreadActor): void {
    if (this.awaited !== actor) return;
    this.awaited = undefined;
    const signal = this.parkedSignal;
    this.parkedSignal = undefined;
    signal?.resolve();
  }

  private async drive(
    actor: ThreadActor,
    first: Promise<unknown>,
    body: () => Promise<void>,
    onEnd: (threw: boolean, error: unknown) => void,
  ): Promise<void> {
    let threw = false;
    let error: unknown;
    try {
      await first;
      await body();
    } catch (e) {
      threw = true;
      error = e;
    }
    // A body that ends outside its turn can only be one the run already gave up on (see stall).
    if (this.running !== actor) return;
    onEnd(threw, error);
    actor.status = 'ended';
    this.running = undefined;
    this.remove(actor);
    this.signalParked(actor);
  }

  /** A call from code outside every logical thread: a stand-in `main` actor makes it, under the scheduler. */
  private async external<T>(build: (caller: Caller) => Op<T>): Promise<T> {
    const actor = new ThreadActor('main', this.newOrder(), true);
    const op = build(actor);
    actor.op = op;
    actor.gate = { resolve: () => undefined, reject: () => undefined };
    actor.status = 'parked';
    this.add(actor);
    const result = await this.run({ ...this.defaults, until: () => actor.status === 'ended' });
    this.remove(actor);
    const outcome = actor.outcome;
    if (outcome) {
      if (outcome.ok) return outcome.value as T;
      throw outcome.value;
    }
    const why = result.status === 'stuck' ? 'nothing could run any more' : `the run ended with ${result.status}`;
    throw simError(`${op.label}, called from outside the simulation, could not complete: ${why}`, result.error);
  }

  private stall(thread: string, turns: number): void {
    const error = simError(
      `thread ${thread} awaited something outside the host runtime (a promise, timer or I/O the simulation does ` +
        `not control) and made no runtime call for ${turns} macrotask turns; every wait must go through the runtime`,
    );
    this.fail(error);
    this.parkedSignal?.reject(error);
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
  }
}
