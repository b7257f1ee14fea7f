/**
 * The selector, `sel<n>`: Java NIO's Selector over readiness that the channels report.
 *
 * Semantics both runtimes share (runtime.level-triggered, runtime.sticky-wakeup):
 * - Level-triggered: the ready set holds every valid key whose (channel ready ops & interest ops) != 0, kept
 *   exact by the keys; a select returns what is in it, so unread data is reported again at every select.
 * - A blocked select returns when a key enters the ready set (data, EOF, room to write, a connection, or an
 *   interest or registration change that makes a key ready), a wakeup arrives, the timeout passes, or the
 *   selector closes. Readiness releases it after the current loop turn's I/O callbacks, so that one select
 *   returns all keys that became ready together, as an epoll batch does in Java.
 * - Sticky wakeup: a wakeup with no select parked is remembered (one, not counted) and the next select or
 *   selectNow returns at once with woken = true, consuming it. Wakeups made while a select is parked end that
 *   select and are consumed by it, however many; one that comes after its wait ended by readiness or timeout,
 *   but before it returned, is kept for the next select.
 * - Cancelled keys stay in keys() until the next select deregisters them; they are never returned.
 * - select(0) and select() block with no timeout, as in Java; selectNow is traced as a select with timeout 0.
 * - A select ended by close returns [] (woken false); a select on a closed selector throws.
 */

import { CnxnspecError } from '../../../spec/errors.ts';
import type { SelectionKey, Selector } from '../../../spec/runtime.ts';
import type { RuntimeContext } from './runtime-context.ts';
import type { Parked } from './thread-context.ts';
import type { KeySelector, NodeSelectionKey } from './selection-key.ts';
import { wholeMs } from './clock.ts';
import { RESOLVED_VOID } from './resolved.ts';

/** A parked select: settled once, by readiness or the timeout or close (woken false) or a wakeup (woken true). */
interface Waiter {
  settled: boolean;
  woken: boolean;
  /** Readiness has scheduled the release. */
  releasing: boolean;
  timer: NodeJS.Timeout | undefined;
  settle(woken: boolean): void;
}

const NOW = 0;
const FOREVER = -1;

export class NodeSelector implements Selector, KeySelector {
  private readonly registered = new Set<NodeSelectionKey>();
  private readonly cancelled = new Set<NodeSelectionKey>();
  /**
   * The ready set, in the order keys entered it (a Set's order): a key's entry counts while `key.readySlot` is its
   * index; a key that leaves only clears its flag, and stale entries are squeezed out in place once they outnumber
   * the live ones. Not a Set: a long-lived Set's table lives in V8's old space, and each time it grew or shrank
   * (thousands of times in a storm of connections) V8 allocated the new table there, garbage that stayed resident
   * as about 1 KiB of each held session (docs/benchmarks.md, "RSS per held session").
   */
  private readonly readyKeys: NodeSelectionKey[] = [];
  private readyCount = 0;
  private wakeupPending = false;
  private open = true;
  private selecting = false;
  private waiter: Waiter | undefined;

  constructor(
    private readonly rt: RuntimeContext,
    readonly id: string,
  ) {}

  /** Not async: an async method returning doSelect's promise would make three more promises per select. */
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

  /** Completes at once: a shared settled promise, not an async method (resolved.ts says why). */
  wakeup(): Promise<void> {
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'wakeup', sel: this.id });
    if (!this.open) return RESOLVED_VOID;
    const waiter = this.waiter;
    if (waiter && !waiter.settled) waiter.settle(true);
    // Collapses into the wakeup that already ended this select.
    else if (waiter?.woken) return RESOLVED_VOID;
    // No select, or one whose wait already ended (ready, timed out) without a wakeup: the next select consumes
    // it, so a wakeup racing the end of a select is never lost.
    else this.wakeupPending = true;
    return RESOLVED_VOID;
  }

  keys(): readonly SelectionKey[] {
    return [...this.registered];
  }

  isOpen(): boolean {
    return this.open;
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'selectorClose', sel: this.id });
    for (const key of this.registered) {
      key.invalidate();
      key.channel.forgetKey(key);
    }
    this.registered.clear();
    this.cancelled.clear();
    for (const key of this.readyKeys) key.inReadySet = false;
    this.readyKeys.length = 0;
    this.readyCount = 0;
    rt.open.delete(this);
    this.waiter?.settle(false);
  }

  /** Called by a new key's channel. */
  add(key: NodeSelectionKey): void {
    this.registered.add(key);
  }

  setReady(key: NodeSelectionKey, ready: boolean): void {
    if (!ready) {
      if (!key.inReadySet) return;
      key.inReadySet = false;
      this.readyCount--;
      if (this.readyKeys.length > 2 * this.readyCount + 16) this.squeezeReadyKeys();
      return;
    }
    if (key.inReadySet) return;
    key.inReadySet = true;
    key.readySlot = this.readyKeys.length;
    this.readyKeys.push(key);
    this.readyCount++;
    const waiter = this.waiter;
    if (waiter && !waiter.settled && !waiter.releasing) {
      // Released after this loop turn's I/O callbacks, so one select returns every key that became ready in
      // the same epoll batch (as Java's does) instead of one select per socket event.
      // If the keys stopped being ready meanwhile (another thread read the data), the select stays parked.
      waiter.releasing = true;
      setImmediate(() => {
        waiter.releasing = false;
        if (this.readyCount > 0) waiter.settle(false);
      });
    }
  }

  keyCancelled(key: NodeSelectionKey): void {
    this.setReady(key, false);
    if (this.open) this.cancelled.add(key);
  }

  disposeQuietly(): void {
    this.open = false;
    this.waiter?.settle(false);
  }

  private async doSelect(wait: number): Promise<SelectionKey[]> {
    const rt = this.rt;
    if (!this.open) throw new CnxnspecError('CNXNSPEC_ERR_CLOSED_SELECTOR', `select on ${this.id}, which is closed`);
    if (this.selecting) {
      throw new CnxnspecError('CNXNSPEC_ERR_THREAD_STATE', `${this.id} is already in select on another call; one thread selects`);
    }
    const thread = rt.thread();
    if (rt.tracing) {
      if (wait === FOREVER) rt.emit({ ev: 'selectBegin', sel: this.id });
      else rt.emit({ ev: 'selectBegin', sel: this.id, timeout: wait });
    }
    // 1. A pending interrupt ends the select before it looks at anything.
    thread.checkInterrupt();
    // 2. Deregister keys cancelled since the last select.
    this.deregisterCancelled();
    // 3. A pending wakeup is consumed now; otherwise wait for readiness, a wakeup, the timeout or close.
    let woken = this.wakeupPending;
    this.wakeupPending = false;
    if (!woken && wait !== NOW && this.readyCount === 0) {
      this.selecting = true;
      try {
        woken = await thread.park<boolean>(
          (parked) => this.arm(parked, wait),
          () => this.disarm(),
        );
      } finally {
        this.selecting = false;
        this.waiter = undefined;
      }
    }
    // 4. Collect what is ready now, after the wait, since state may have moved again while the await resumed.
    const selected: NodeSelectionKey[] = [];
    if (this.open) {
      this.deregisterCancelled();
      const keys = this.readyKeys;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as NodeSelectionKey;
        if (!key.inReadySet || key.readySlot !== i) continue;
        const ops = key.channel.currentReadyOps() & key.interestOps();
        if (ops === 0) continue;
        key.setReadyOps(ops);
        selected.push(key);
      }
    }
    if (rt.tracing) {
      const ready = selected.map((key) => ({ key: key.id, ops: key.readyOps() }));
      rt.emit({ ev: 'selectEnd', sel: this.id, ready, woken });
    }
    return selected;
  }

  private arm(parked: Parked<boolean>, wait: number): void {
    const waiter: Waiter = {
      settled: false,
      woken: false,
      releasing: false,
      timer: undefined,
      settle: (woken) => {
        if (waiter.settled) return;
        waiter.settled = true;
        waiter.woken = woken;
        if (waiter.timer) clearTimeout(waiter.timer);
        parked.wake(woken);
      },
    };
    this.waiter = waiter;
    if (wait !== FOREVER) waiter.timer = setTimeout(() => waiter.settle(false), wait);
  }

  /** An interrupt ended the select: its waiter must not settle later. */
  private disarm(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    waiter.settled = true;
    if (waiter.timer) clearTimeout(waiter.timer);
  }

  /** Drops the stale entries of the ready list in place (no new array), keeping the order of the live ones. */
  private squeezeReadyKeys(): void {
    const keys = this.readyKeys;
    let kept = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as NodeSelectionKey;
      if (!key.inReadySet || key.readySlot !== i) continue;
      key.readySlot = kept;
      keys[kept++] = key;
    }
    keys.length = kept;
  }

  private deregisterCancelled(): void {
    if (this.cancelled.size === 0) return;
    for (const key of this.cancelled) {
      this.registered.delete(key);
      key.channel.forgetKey(key);
    }
    this.cancelled.clear();
  }
}
