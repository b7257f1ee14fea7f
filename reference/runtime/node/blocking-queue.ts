/**
 * LinkedBlockingQueue semantics: offer (refused when full), poll (non-blocking), take (blocks, interruptible).
 *
 * An offer that finds a parked taker hands the item straight to it, so a poll on another thread cannot take it
 * from under a taker that has already been woken: every traced offer pairs with exactly one poll or take.
 */

import type { BlockingQueue } from '../../../spec/runtime.ts';
import { RESOLVED_UNDEFINED, resolvedBoolean } from './resolved.ts';
import type { RuntimeContext } from './runtime-context.ts';
import type { Parked } from './thread-context.ts';

/** Compact the backing array once this many taken slots lead it. */
const COMPACT_AT = 1024;

export class NodeBlockingQueue<T> implements BlockingQueue<T> {
  private items: T[] = [];
  private head = 0;
  private readonly takers: Parked<T>[] = [];
  /** Made once per queue, not per take (thread-context.ts says why). */
  private readonly armTaker = (parked: Parked<T>): void => void this.takers.push(parked);
  private readonly disarmTaker = (parked: Parked<T>): void => {
    const at = this.takers.indexOf(parked);
    if (at >= 0) this.takers.splice(at, 1);
  };

  constructor(
    private readonly rt: RuntimeContext,
    readonly name: string,
    private readonly capacity: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Completes at once: a shared settled promise, not an async method (resolved.ts says why). */
  offer(item: T): Promise<boolean> {
    let ok = true;
    const taker = this.takers.shift();
    if (taker) taker.wake(item);
    else if (this.size() < this.capacity) this.items.push(item);
    else ok = false;
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'offer', queue: this.name, item: itemLabel(item), ok });
    return resolvedBoolean(ok);
  }

  poll(): Promise<T | undefined> {
    const item = this.shift();
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'poll', queue: this.name, item: item === undefined ? null : itemLabel(item) });
    return item === undefined ? RESOLVED_UNDEFINED : Promise.resolve(item);
  }

  /**
   * Not an async method, for the same reason as offer: an item already there comes back in one settled promise,
   * and a park's promise is returned as it is while tracing is off.
   */
  take(): Promise<T> {
    const rt = this.rt;
    const thread = rt.thread();
    if (rt.tracing) rt.emit({ ev: 'takeBegin', queue: this.name });
    try {
      thread.checkInterrupt();
    } catch (err) {
      return Promise.reject(err);
    }
    const item = this.shift();
    if (item !== undefined) {
      if (rt.tracing) rt.emit({ ev: 'take', queue: this.name, item: itemLabel(item) });
      return Promise.resolve(item);
    }
    const parked = thread.park<T>(this.armTaker, this.disarmTaker);
    if (!rt.tracing) return parked;
    // Emitted once woken, so the event carries the taker's own thread.
    return parked.then((taken) => {
      rt.emit({ ev: 'take', queue: this.name, item: itemLabel(taken) });
      return taken;
    });
  }

  size(): number {
    return this.items.length - this.head;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined as T;
    if (this.head === this.items.length) this.clear();
    else if (this.head >= COMPACT_AT && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Items are traced by their `id` when they have one (channels, keys), else by their string form. */
export function itemLabel(item: unknown): string {
  if (typeof item === 'object' && item !== null && 'id' in item) {
    const id = String((item as { id: unknown }).id);
    if (id) return id;
  }
  return String(item) || '(empty string)';
}
