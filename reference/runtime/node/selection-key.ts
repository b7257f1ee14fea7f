/**
 * A registration of one channel with one selector, `k<n>`.
 *
 * The key keeps its selector's ready set exact: whenever the channel's readiness or the key's interest changes,
 * `refresh()` recomputes (channel ready ops & interest ops) and tells the selector, which is how a select wakes
 * for a channel that became ready without scanning every key (runtime.level-triggered).
 */

import { CnxnspecError } from '../../../spec/errors.ts';
import type { SelectableChannel, SelectionKey, Selector } from '../../../spec/runtime.ts';
import { RESOLVED_VOID } from './resolved.ts';
import type { RuntimeContext } from './runtime-context.ts';

/** What a key needs from its channel. */
export interface KeyChannel extends SelectableChannel {
  /** The ops the channel is ready for right now. */
  currentReadyOps(): number;
  /** Drops the key once its selector has deregistered it. */
  forgetKey(key: NodeSelectionKey): void;
}

/** What a key needs from its selector. */
export interface KeySelector extends Selector {
  setReady(key: NodeSelectionKey, ready: boolean): void;
  keyCancelled(key: NodeSelectionKey): void;
}

export class NodeSelectionKey implements SelectionKey {
  private interest: number;
  private ready = 0;
  private valid = true;
  private attached: unknown;
  /** Whether the selector's ready set holds this key, and at which index of its list; maintained by the selector. */
  inReadySet = false;
  readySlot = -1;

  constructor(
    private readonly rt: RuntimeContext,
    readonly id: string,
    readonly channel: KeyChannel,
    readonly selector: KeySelector,
    ops: number,
    attachment: unknown,
  ) {
    this.interest = ops;
    this.attached = attachment;
  }

  interestOps(): number {
    return this.interest;
  }

  /** Completes at once: a shared settled promise, not an async method (resolved.ts says why). */
  setInterestOps(ops: number): Promise<void> {
    const rt = this.rt;
    if (!this.valid) {
      if (rt.tracing) rt.emit({ ev: 'invalidUse', op: 'interestOps', ch: this.channel.id, key: this.id });
      return Promise.reject(this.cancelledError('setInterestOps'));
    }
    this.interest = ops;
    if (rt.tracing) rt.emit({ ev: 'interestOps', key: this.id, ch: this.channel.id, ops });
    this.refresh();
    return RESOLVED_VOID;
  }

  readyOps(): number {
    return this.ready;
  }

  isValid(): boolean {
    return this.valid;
  }

  cancel(): Promise<void> {
    if (!this.valid) return RESOLVED_VOID;
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'cancel', key: this.id, ch: this.channel.id });
    this.invalidate();
    return RESOLVED_VOID;
  }

  attachment(): unknown {
    return this.attached;
  }

  attach(value: unknown): void {
    this.attached = value;
  }

  /** Re-registration of a live key (Java's register on an already registered channel). */
  reregister(ops: number, attachment: unknown): void {
    this.interest = ops;
    this.attached = attachment;
    this.refresh();
  }

  /** Cancels without tracing: the channel was closed (its close event says so) or the selector closed. */
  invalidate(): void {
    if (!this.valid) return;
    this.valid = false;
    this.selector.keyCancelled(this);
  }

  /** Set by the select that returns this key. */
  setReadyOps(ops: number): void {
    this.ready = ops;
  }

  refresh(): void {
    const ready = this.valid && (this.channel.currentReadyOps() & this.interest) !== 0;
    if (ready !== this.inReadySet) this.selector.setReady(this, ready);
  }

  ensureValid(operation: string): void {
    if (!this.valid) throw this.cancelledError(operation);
  }

  private cancelledError(operation: string): CnxnspecError {
    return new CnxnspecError(
      'CNXNSPEC_ERR_CANCELLED_KEY',
      `${operation} on cancelled key ${this.id} (${this.channel.id}); register the channel again for a new key`,
    );
  }
}
