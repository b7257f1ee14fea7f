/**
 * LinkedBlockingQueue semantics, as the node runtime has them: offer (refused when full or by an injected
 * fault), poll (non-blocking), take (begin, then wait; interruptible). An offer that finds a waiting taker hands
 * the item straight to it (first waiter first), so a poll cannot take it from under a taker already served:
 * every traced offer pairs with exactly one poll or take.
 */

import type { BlockingQueue } from '../../spec/runtime.ts';
import type { QueueState, SimContext } from './context.ts';
import type { OpResult } from './ops.ts';
import { alwaysReady, immediate, noDeadline, wait } from './ops.ts';

interface Taker<T> {
  handed: { readonly item: T } | undefined;
}

export class SimQueue<T> implements BlockingQueue<T>, QueueState {
  private items: T[] = [];
  private readonly takers: Taker<T>[] = [];
  private offers = 0;

  constructor(
    private readonly ctx: SimContext,
    readonly name: string,
    private readonly capacity: number = Number.POSITIVE_INFINITY,
  ) {
    ctx.queues.push(this);
  }

  offer(item: T): Promise<boolean> {
    return this.ctx.sched.call(() =>
      immediate(`offer ${this.name}`, () => {
        let ok = !this.ctx.faults.offerRefused(this.name, this.offers++);
        if (ok) {
          const taker = this.takers.shift();
          if (taker) taker.handed = { item };
          else if (this.items.length < this.capacity) this.items.push(item);
          else ok = false;
        }
        this.ctx.emit({ ev: 'offer', queue: this.name, item: itemLabel(item), ok });
        return ok;
      }),
    );
  }

  poll(): Promise<T | undefined> {
    return this.ctx.sched.call(() =>
      immediate(`poll ${this.name}`, () => {
        const item = this.items.shift();
        this.ctx.emit({ ev: 'poll', queue: this.name, item: item === undefined ? null : itemLabel(item) });
        return item;
      }),
    );
  }

  take(): Promise<T> {
    return this.ctx.sched.call((caller) => ({
      label: `take ${this.name}`,
      ready: alwaysReady,
      deadline: noDeadline,
      exec: (): OpResult<T> => {
        this.ctx.emit({ ev: 'takeBegin', queue: this.name });
        this.ctx.checkInterrupt(caller);
        if (this.items.length > 0) return { value: this.took(this.items.shift() as T) };
        const taker: Taker<T> = { handed: undefined };
        this.takers.push(taker);
        return {
          next: wait({
            label: `take ${this.name}`,
            interruptible: true,
            until: () => taker.handed !== undefined,
            finish: () => this.took(taker.handed!.item),
            abort: () => {
              const at = this.takers.indexOf(taker);
              if (at >= 0) this.takers.splice(at, 1);
            },
          }),
        };
      },
    }));
  }

  size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items = [];
  }

  private took(item: T): T {
    this.ctx.emit({ ev: 'take', queue: this.name, item: itemLabel(item) });
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
