/**
 * The selector, `sel<n>`, with the node runtime's semantics (runtime.level-triggered, runtime.sticky-wakeup):
 * - Level-triggered: a select reports every valid key whose (channel readiness & interest) != 0, computed from
 *   state when it returns, so unread data is reported again by every select.
 * - select(): begin (selectBegin, a pending interrupt, deregister cancelled keys, consume a pending wakeup); if
 *   woken, selectNow, or a key is ready, it returns in the same step; otherwise the thread waits (a second step)
 *   until a key is ready, a wakeup arrives, the timeout passes, the selector closes, or an interrupt.
 * - Sticky wakeup: a wakeup finding no unsettled select is remembered (once) for the next select or selectNow. A
 *   select whose wait already settled (ready, timed out) but has not returned does not take it, as in the node
 *   runtime, so a wakeup racing the end of a select is never lost.
 * - select(0) and select() wait with no timeout, as in Java; selectNow is traced as a select with timeout 0.
 * - A blocked select watches the keys and interest sets it began with, as Java's does (it applies interest
 *   changes and registrations at the next select). So a factory that changes interest from another thread
 *   without a wakeup stalls here exactly as it would in Java, instead of being rescued by the simulation.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import type { SelectionKey, Selector } from '../../spec/runtime.ts';
import type { SimContext } from './context.ts';
import type { Caller, Op, OpResult } from './ops.ts';
import { alwaysReady, immediate, noDeadline } from './ops.ts';
import type { SimSelectionKey } from './sim-selection-key.ts';
import { wholeMs } from './virtual-clock.ts';

const NOW = 0;
const FOREVER = -1;

interface Waiter {
  woken: boolean;
  settled: boolean;
}

export class SimSelector implements Selector {
  private registered: SimSelectionKey[] = [];
  private readonly cancelled = new Set<SimSelectionKey>();
  private wakeupPending = false;
  private open = true;
  private waiter: Waiter | undefined;

  constructor(
    private readonly ctx: SimContext,
    readonly id: string,
  ) {}

  select(timeoutMs?: number): Promise<SelectionKey[]> {
    if (timeoutMs === undefined || timeoutMs === 0 || timeoutMs === Number.POSITIVE_INFINITY) return this.doSelect(FOREVER);
    if (!(timeoutMs > 0)) {
      return Promise.reject(new CnxnspecError('CNXNSPEC_ERR_CONFIG', `select timeout must be positive or absent, got ${timeoutMs}`));
    }
    return this.doSelect(Math.max(1, wholeMs(timeoutMs)));
  }

  selectNow(): Promise<SelectionKey[]> {
    return this.doSelect(NOW);
  }

  wakeup(): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`wakeup ${this.id}`, () => {
        this.ctx.emit({ ev: 'wakeup', sel: this.id });
        if (!this.open) return;
        const waiter = this.waiter;
        if (waiter && !waiter.settled) {
          waiter.woken = true;
          waiter.settled = true;
        } else this.wakeupPending = true;
      }),
    );
  }

  keys(): readonly SelectionKey[] {
    return [...this.registered];
  }

  isOpen(): boolean {
    return this.open;
  }

  close(): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`close ${this.id}`, () => {
        if (!this.open) return;
        this.open = false;
        this.ctx.emit({ ev: 'selectorClose', sel: this.id });
        for (const key of this.registered) {
          key.invalidate();
          key.channel.forgetKey(key);
        }
        this.registered = [];
        this.cancelled.clear();
      }),
    );
  }

  /** Called by a channel for a new key. */
  add(key: SimSelectionKey): void {
    this.registered.push(key);
  }

  keyCancelled(key: SimSelectionKey): void {
    if (this.open) this.cancelled.add(key);
  }

  private doSelect(wait: number): Promise<SelectionKey[]> {
    return this.ctx.sched.call(
      (caller): Op<SelectionKey[]> => ({
        label: `select ${this.id}`,
        ready: alwaysReady,
        deadline: noDeadline,
        exec: () => this.begin(caller, wait),
      }),
    );
  }

  private begin(caller: Caller, wait: number): OpResult<SelectionKey[]> {
    const ctx = this.ctx;
    if (!this.open) throw new CnxnspecError('CNXNSPEC_ERR_CLOSED_SELECTOR', `select on ${this.id}, which is closed`);
    if (this.waiter) {
      throw new CnxnspecError('CNXNSPEC_ERR_THREAD_STATE', `${this.id} is already in select on another call; one thread selects`);
    }
    ctx.emit(wait === FOREVER ? { ev: 'selectBegin', sel: this.id } : { ev: 'selectBegin', sel: this.id, timeout: wait });
    // 1. A pending interrupt ends the select before it looks at anything.
    ctx.checkInterrupt(caller);
    // 2. Deregister keys cancelled since the last select.
    this.deregisterCancelled();
    // 3. A pending wakeup is consumed now; with it, for selectNow, or with a key ready, return at once.
    const woken = this.wakeupPending;
    this.wakeupPending = false;
    if (woken || wait === NOW || this.anyReady()) return { value: this.finish(woken) };
    // 4. Otherwise wait for readiness of the interest sets seen now, a wakeup, the timeout, close or an interrupt.
    const waiter: Waiter = { woken: false, settled: false };
    this.waiter = waiter;
    const watched = this.registered.map((key) => [key, key.interestOps()] as const);
    // A loop, not some() with a callback: this is asked at every step the select waits, and made a closure each time.
    const watchedReady = () => {
      for (const [key, interest] of watched) if (key.readyFor(interest) !== 0) return true;
      return false;
    };
    const deadline = wait === FOREVER ? undefined : ctx.clock.now() + wait;
    return {
      next: {
        label: `select ${this.id}`,
        interruptible: true,
        ready: (now) => {
          if (!waiter.settled && (!this.open || watchedReady() || (deadline !== undefined && now >= deadline))) waiter.settled = true;
          return waiter.settled;
        },
        deadline: () => deadline,
        exec: () => {
          this.waiter = undefined;
          return { value: this.finish(waiter.woken) };
        },
        abort: () => {
          this.waiter = undefined;
        },
      },
    };
  }

  /** Collects what is ready now and emits selectEnd. */
  private finish(woken: boolean): SelectionKey[] {
    const selected: SimSelectionKey[] = [];
    if (this.open) {
      this.deregisterCancelled();
      for (const key of this.registered) {
        const ops = key.readyNow();
        if (ops === 0) continue;
        key.setReadyOps(ops);
        selected.push(key);
      }
    }
    const ready = selected.map((key) => ({ key: key.id, ops: key.readyOps() }));
    this.ctx.emit({ ev: 'selectEnd', sel: this.id, ready, woken });
    return selected;
  }

  private anyReady(): boolean {
    return this.registered.some((key) => key.readyNow() !== 0);
  }

  private deregisterCancelled(): void {
    if (this.cancelled.size === 0) return;
    this.registered = this.registered.filter((key) => !this.cancelled.has(key));
    for (const key of this.cancelled) key.channel.forgetKey(key);
    this.cancelled.clear();
  }
}
