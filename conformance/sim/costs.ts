/**
 * Time that work takes. A cost model says how many virtual ms a read or write of a client channel costs
 * (globally, or per channel `ch<n>`), and how long a handler call works. The runtime spends it inside the
 * call, as a slow syscall would: the call does its work at once (its trace event is emitted when it starts),
 * then its thread stays parked until the cost has passed, while other threads, peers and timers run and
 * virtual time moves on. A factory's code is unchanged; with the default (all 0) nothing differs at all.
 *
 * Why: with free IO an IO pass starts and ends at the same virtual instant, so a factory that forgets to touch
 * a connection after IO (expiry.touch), or a timeout racing a long pass, cannot be told from a correct one.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import { wait, type Op } from './ops.ts';

export interface IoCosts {
  /** Virtual ms each read of a client channel takes. */
  readonly readMs?: number;
  /** Virtual ms each write to a client channel takes. */
  readonly writeMs?: number;
}

export interface CostModel extends IoCosts {
  /** Virtual ms each handler call works (spent by the handler through runtime.clock.sleep; see costed-handler.ts). */
  readonly handlerMs?: number;
  /** Per channel (`ch0`, `ch1`, ...), instead of the global read and write costs. */
  readonly channels?: Readonly<Record<string, IoCosts>>;
}

/** The longest a single call may cost: far above any timeout a scenario uses, still a bound. */
const MAX_COST_MS = 600_000;

export class SimCosts {
  constructor(private readonly model: CostModel = {}) {
    check(model.readMs, 'readMs');
    check(model.writeMs, 'writeMs');
    check(model.handlerMs, 'handlerMs');
    for (const [ch, costs] of Object.entries(model.channels ?? {})) {
      check(costs.readMs, `channels.${ch}.readMs`);
      check(costs.writeMs, `channels.${ch}.writeMs`);
    }
  }

  read(ch: string): number {
    return this.model.channels?.[ch]?.readMs ?? this.model.readMs ?? 0;
  }

  write(ch: string): number {
    return this.model.channels?.[ch]?.writeMs ?? this.model.writeMs ?? 0;
  }

  get handlerMs(): number {
    return this.model.handlerMs ?? 0;
  }
}

/**
 * The value of a call that has done its work at `now` and costs `ms`: at once when free, otherwise a second,
 * uninterruptible phase that ends when the clock reaches now + ms.
 */
export function afterCost<T>(label: string, now: number, ms: number, value: T): { value: T } | { next: Op<T> } {
  if (ms <= 0) return { value };
  return { next: wait({ label: `${label} (working ${ms} ms)`, until: () => false, deadline: now + ms, finish: () => value }) };
}

function check(value: number | undefined, what: string): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_COST_MS) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `cost model ${what} is ${value}; it must be a whole number of ms from 0 to ${MAX_COST_MS}`);
  }
}
