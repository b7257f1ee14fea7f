/** What socket and listening-socket channels share: one key per selector, and registration. */

import { CnxnspecError, RuntimeIOError } from '../../spec/errors.ts';
import type { SelectableChannel, SelectionKey, Selector } from '../../spec/runtime.ts';
import type { SimContext } from './context.ts';
import { immediate } from './ops.ts';
import { SimSelectionKey } from './sim-selection-key.ts';
import { SimSelector } from './sim-selector.ts';

export abstract class SimChannel implements SelectableChannel {
  private readonly keys = new Map<Selector, SimSelectionKey>();

  constructor(
    protected readonly ctx: SimContext,
    readonly id: string,
  ) {}

  abstract isOpen(): boolean;
  /** The ops the channel is ready for now, from its state. */
  abstract readiness(): number;

  register(selector: Selector, ops: number, attachment?: unknown): Promise<SelectionKey> {
    return this.ctx.sched.call(() => immediate(`register ${this.id} with ${selector.id}`, () => this.doRegister(selector, ops, attachment)));
  }

  keyFor(selector: Selector): SelectionKey | undefined {
    return this.keys.get(selector);
  }

  /** Called by a selector when it deregisters a cancelled key or closes. */
  forgetKey(key: SimSelectionKey): void {
    if (this.keys.get(key.selector) === key) this.keys.delete(key.selector);
  }

  /** Closing a channel cancels its keys (no cancel events: the close event says it). */
  protected invalidateKeys(): void {
    for (const key of this.keys.values()) key.invalidate();
  }

  private doRegister(selector: Selector, ops: number, attachment: unknown): SelectionKey {
    const ctx = this.ctx;
    if (!(selector instanceof SimSelector)) {
      throw new CnxnspecError('CNXNSPEC_ERR_UNSUPPORTED', `${this.id} can only register with a selector of the same simulation`);
    }
    if (!this.isOpen()) throw new RuntimeIOError('EBADF', `${this.id} is closed; a closed channel cannot be registered`);
    if (!selector.isOpen()) {
      throw new CnxnspecError('CNXNSPEC_ERR_CLOSED_SELECTOR', `register ${this.id} with ${selector.id}, which is closed`);
    }
    let key = this.keys.get(selector);
    // Java: a cancelled key stays until the selector's next select deregisters it, and blocks re-registration.
    key?.ensureValid('register');
    // Faults target connections, not the factory's own listening sockets, so a plan means the same for any factory.
    const errno = this.id.startsWith('ch') ? ctx.faults.registerFault() : undefined;
    if (errno) throw new RuntimeIOError(errno, `register ${this.id} with ${selector.id} failed (injected fault)`);
    if (key) key.reregister(ops, attachment);
    else {
      key = new SimSelectionKey(ctx, ctx.nextId('k'), this, selector, ops, attachment);
      this.keys.set(selector, key);
      selector.add(key);
    }
    ctx.emit({ ev: 'register', sel: selector.id, ch: this.id, key: key.id, ops });
    return key;
  }
}
