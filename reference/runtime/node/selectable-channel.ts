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
  /**
   * The keys, one per selector. A channel nearly always has one, so it lives in a field and a Map is made only
   * for a second selector: a Map per connection was about 420 bytes of each held session (docs/benchmarks.md).
   */
  private key: NodeSelectionKey | undefined;
  private moreKeys: Map<Selector, NodeSelectionKey> | undefined;

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
    let key = this.findKey(selector);
    if (key) {
      // Java: a cancelled key stays until the selector's next select deregisters it, and blocks re-registration.
      key.ensureValid('register');
      key.reregister(ops, attachment);
    } else {
      key = new NodeSelectionKey(rt, rt.nextId('k'), this, selector, ops, attachment);
      if (this.key === undefined) this.key = key;
      else (this.moreKeys ??= new Map()).set(selector, key);
      selector.add(key);
      key.refresh();
    }
    if (rt.tracing) rt.emit({ ev: 'register', sel: selector.id, ch: this.id, key: key.id, ops });
    return key;
  }

  keyFor(selector: Selector): SelectionKey | undefined {
    return this.findKey(selector);
  }

  /** Called by a selector when it deregisters a cancelled key or closes. */
  forgetKey(key: NodeSelectionKey): void {
    if (this.key === key) this.key = undefined;
    else if (this.moreKeys?.get(key.selector) === key) this.moreKeys.delete(key.selector);
  }

  /** Readiness is level-triggered: recompute each key's standing whenever the channel's state moves. */
  protected readinessChanged(): void {
    this.key?.refresh();
    if (this.moreKeys !== undefined) for (const key of this.moreKeys.values()) key.refresh();
  }

  /** Closing a channel cancels its keys (no cancel events: the close event says it). */
  protected invalidateKeys(): void {
    this.key?.invalidate();
    if (this.moreKeys !== undefined) for (const key of this.moreKeys.values()) key.invalidate();
  }

  private findKey(selector: Selector): NodeSelectionKey | undefined {
    return this.key?.selector === selector ? this.key : this.moreKeys?.get(selector);
  }
}
