/**
 * Injectable faults: failing accepts (EMFILE by default), failing registrations, refused queue offers.
 * Given up front (`faults` option) or added during a run (`simulation.faults`); all counted from 0.
 *
 * - accept: counts only accept() calls that find a pending connection (an accept with nothing pending returns
 *   null whatever the plan says); a failed accept leaves the connection pending, as the kernel does on EMFILE.
 * - register: counts register() calls of client channels (not listening sockets) that would otherwise succeed.
 * - offer: counts each queue's offers; a rule applies to every queue whose name matches its pattern
 *   (a RegExp, or a string where `*` matches anything: `acceptedQueue@*`).
 */

export interface FaultPlan {
  readonly accept?: { readonly at?: readonly number[]; readonly next?: number; readonly errno?: string };
  readonly register?: { readonly at?: readonly number[]; readonly errno?: string };
  readonly offer?: readonly { readonly queue: string | RegExp; readonly at: readonly number[] }[];
}

interface OfferRule {
  readonly pattern: RegExp;
  readonly at: ReadonlySet<number>;
}

export class SimFaults {
  private readonly acceptAt = new Map<number, string>();
  private readonly acceptNext: string[] = [];
  private accepts = 0;
  private readonly registerAt = new Map<number, string>();
  private registrations = 0;
  private readonly offerRules: OfferRule[] = [];

  constructor(plan: FaultPlan = {}) {
    if (plan.accept) {
      const errno = plan.accept.errno ?? 'EMFILE';
      if (plan.accept.at) this.failAcceptsAt(plan.accept.at, errno);
      if (plan.accept.next) this.failNextAccepts(plan.accept.next, errno);
    }
    if (plan.register?.at) this.failRegistrationsAt(plan.register.at, plan.register.errno);
    for (const rule of plan.offer ?? []) this.refuseOffers(rule.queue, rule.at);
  }

  /** The next `k` accepts that find a pending connection fail. */
  failNextAccepts(k: number, errno = 'EMFILE'): void {
    for (let i = 0; i < k; i++) this.acceptNext.push(errno);
  }

  failAcceptsAt(indices: readonly number[], errno = 'EMFILE'): void {
    for (const i of indices) this.acceptAt.set(i, errno);
  }

  failRegistrationsAt(indices: readonly number[], errno = 'EBADF'): void {
    for (const i of indices) this.registerAt.set(i, errno);
  }

  refuseOffers(queue: string | RegExp, at: readonly number[]): void {
    this.offerRules.push({ pattern: typeof queue === 'string' ? glob(queue) : queue, at: new Set(at) });
  }

  /** Called by an accept that found a pending connection: the errno to fail with, if any. */
  acceptFault(): string | undefined {
    const index = this.accepts++;
    return this.acceptAt.get(index) ?? this.acceptNext.shift();
  }

  registerFault(): string | undefined {
    return this.registerAt.get(this.registrations++);
  }

  offerRefused(queue: string, index: number): boolean {
    return this.offerRules.some((rule) => rule.at.has(index) && rule.pattern.test(queue));
  }
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
