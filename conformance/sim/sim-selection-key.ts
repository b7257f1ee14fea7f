/**
 * A registration of one channel with one selector, `k<n>`. Readiness is not stored: a select computes
 * (channel readiness & interest) from state every time it looks, which is what level-triggered means.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import type { SelectionKey } from '../../spec/runtime.ts';
import type { SimContext } from './context.ts';
import { immediate } from './ops.ts';
import type { SimChannel } from './sim-channel.ts';
import type { SimSelector } from './sim-selector.ts';

export class SimSelectionKey implements SelectionKey {
  private interest: number;
  private ready = 0;
  private valid = true;
  private attached: unknown;

  constructor(
    private readonly ctx: SimContext,
    readonly id: string,
    readonly channel: SimChannel,
    readonly selector: SimSelector,
    ops: number,
    attachment: unknown,
  ) {
    this.interest = ops;
    this.attached = attachment;
  }

  interestOps(): number {
    return this.interest;
  }

  setInterestOps(ops: number): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`interestOps ${this.id}`, () => {
        if (!this.valid) this.ctx.emit({ ev: 'invalidUse', op: 'interestOps', ch: this.channel.id, key: this.id });
        this.ensureValid('setInterestOps');
        this.interest = ops;
        this.ctx.emit({ ev: 'interestOps', key: this.id, ch: this.channel.id, ops });
      }),
    );
  }

  readyOps(): number {
    return this.ready;
  }

  isValid(): boolean {
    return this.valid;
  }

  cancel(): Promise<void> {
    return this.ctx.sched.call(() =>
      immediate(`cancel ${this.id}`, () => {
        if (!this.valid) return;
        this.ctx.emit({ ev: 'cancel', key: this.id, ch: this.channel.id });
        this.invalidate();
      }),
    );
  }

  attachment(): unknown {
    return this.attached;
  }

  attach(value: unknown): void {
    this.attached = value;
  }

  /** The ops a select would report for this key now. */
  readyNow(): number {
    return this.readyFor(this.interest);
  }

  /** The ops a select would report for this key if its interest were `interest`. */
  readyFor(interest: number): number {
    return this.valid && this.channel.isOpen() ? this.channel.readiness() & interest : 0;
  }

  setReadyOps(ops: number): void {
    this.ready = ops;
  }

  /** Java's register on an already registered channel: new interest and attachment, same key. */
  reregister(ops: number, attachment: unknown): void {
    this.interest = ops;
    this.attached = attachment;
  }

  /** Cancels without tracing: the channel or the selector closed, and its own event says so. */
  invalidate(): void {
    if (!this.valid) return;
    this.valid = false;
    this.selector.keyCancelled(this);
  }

  ensureValid(operation: string): void {
    if (!this.valid) {
      throw new CnxnspecError(
        'CNXNSPEC_ERR_CANCELLED_KEY',
        `${operation} on cancelled key ${this.id} (${this.channel.id}); register the channel again for a new key`,
      );
    }
  }
}
