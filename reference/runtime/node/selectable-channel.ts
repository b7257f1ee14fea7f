/**
 * What socket and listening-socket channels share: their keys (one per selector), registration, and telling
 * those keys when readiness changes.
 */

import { CnxnspecError, RuntimeIOError } from '../../../spec/errors.ts';
import type { SelectableChannel, SelectionKey, Selector } from '../../../spec/runtime.ts';
import type { RuntimeContext } from './runtime-context.ts';
import { NodeSelectionKey, type KeyChannel } from './selection-key.ts';
import { NodeSelector } from './selector.ts';

export abstract class NodeSelectableChannel implements SelectableChannel, KeyChannel {
  private readonly keys = new Map<Selector, NodeSelectionKey>();

  constructor(
    protected readonly rt: RuntimeContext,
    readonly id: string,
  ) {}

  abstract isOpen(): boolean;
  abstract currentReadyOps(): number;

  async register(selector: Selector, ops: number, attachment?: unknown): Promise<SelectionKey> {
    if (!(selector instanceof NodeSelector)) {
      throw new CnxnspecError('CNXNSPEC_ERR_UNSUPPORTED', `${this.id} can only register with a selector of the same node runtime`);
    }
    if (!this.isOpen()) throw new RuntimeIOError('EBADF', `${this.id} is closed; a closed channel cannot be registered`);
    if (!selector.isOpen()) {
      throw new CnxnspecError('CNXNSPEC_ERR_CLOSED_SELECTOR', `register ${this.id} with ${selector.id}, which is closed`);
    }
    const rt = this.rt;
    let key = this.keys.get(selector);
    if (key) {
      // Java: a cancelled key stays until the selector's next select deregisters it, and blocks re-registration.
      key.ensureValid('register');
      key.reregister(ops, attachment);
    } else {
      key = new NodeSelectionKey(rt, rt.nextId('k'), this, selector, ops, attachment);
      this.keys.set(selector, key);
      selector.add(key);
      key.refresh();
    }
    if (rt.tracing) rt.emit({ ev: 'register', sel: selector.id, ch: this.id, key: key.id, ops });
    return key;
  }

  keyFor(selector: Selector): SelectionKey | undefined {
    return this.keys.get(selector);
  }

  /** Called by a selector when it deregisters a cancelled key or closes. */
  forgetKey(key: NodeSelectionKey): void {
    if (this.keys.get(key.selector) === key) this.keys.delete(key.selector);
  }

  /** Readiness is level-triggered: recompute each key's standing whenever the channel's state moves. */
  protected readinessChanged(): void {
    for (const key of this.keys.values()) key.refresh();
  }

  /** Closing a channel cancels its keys (no cancel events: the close event says it). */
  protected invalidateKeys(): void {
    for (const key of this.keys.values()) key.invalidate();
  }
}
