/**
 * Handler-driven throttling, as ZooKeeper's request pipeline does it: once a connection has `limit` requests
 * outstanding the handler calls disableRecv from its own thread, and enableRecv once a reply brings the count
 * back under the limit. It also watches the factory: after disableRecv has returned, at most one more request
 * may arrive on that connection (an IO pass already under way may finish reading its frame); more means the
 * factory kept reading (cnxn.throttle).
 */
import type { ServerConnection } from '../../../spec/server-cnxn-factory.ts';

/** Frames a factory may still deliver after disableRecv returned: the one an IO pass in flight was reading. */
export const FRAMES_AFTER_DISABLE = 1;

interface State {
  outstanding: number;
  disabled: boolean;
  sinceDisabled: number;
}

export class ReceiveThrottle {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly limit: number | undefined,
    private readonly report: (cnxn: ServerConnection, message: string) => void,
  ) {}

  /** On the IO thread, as a request arrives; true when the handler's thread should consider disabling. */
  arrived(cnxn: ServerConnection): boolean {
    const state = this.state(cnxn.id);
    state.outstanding++;
    if (state.disabled && ++state.sinceDisabled > FRAMES_AFTER_DISABLE) {
      this.report(cnxn, `request ${state.sinceDisabled} arrived on ${cnxn.id} after disableRecv() returned and before enableRecv()`);
    }
    return this.limit !== undefined && state.outstanding >= this.limit;
  }

  /** On the handler's thread: disable if the count is still at the limit when the thread gets here; true if it did. */
  async maybeDisable(cnxn: ServerConnection): Promise<boolean> {
    const state = this.state(cnxn.id);
    if (this.limit === undefined || state.disabled || state.outstanding < this.limit) return false;
    await cnxn.disableRecv();
    state.disabled = true;
    state.sinceDisabled = 0;
    return true;
  }

  /** Whether answering one more request of this connection now would call enableRecv. */
  lifts(cnxn: ServerConnection): boolean {
    const state = this.state(cnxn.id);
    return state.disabled && this.limit !== undefined && state.outstanding - 1 < this.limit;
  }

  /** On the handler's thread, after a request has been answered (or dropped). */
  async answered(cnxn: ServerConnection): Promise<void> {
    const state = this.state(cnxn.id);
    state.outstanding--;
    if (!state.disabled || this.limit === undefined || state.outstanding >= this.limit) return;
    state.disabled = false;
    await cnxn.enableRecv();
  }

  private state(ch: string): State {
    let state = this.states.get(ch);
    if (!state) this.states.set(ch, (state = { outstanding: 0, disabled: false, sinceDisabled: 0 }));
    return state;
  }
}
