/**
 * ConnnectionExpirer (sic, ZooKeeper's thread name with three n's): closes connections that stayed idle past
 * their timeout. It sleeps until the next expiry bucket is due, takes that one bucket and closes each
 * connection in it with connection_expired. stop() interrupts its sleep and it ends.
 *
 *     selector threads, workers, setSession --touch()--> [ExpiryQueue in ConnectionRegistry] --poll()--> ConnnectionExpirer
 *
 * Implements: expiry.thread, expiry.sessionless, expiry.session-timeout, expiry.buckets (together with the queue).
 */
import { InterruptedError } from '../../spec/errors.ts';
import type { LogicalThread } from '../../spec/runtime.ts';
import type { NioContext } from './nio-context.ts';
import type { NIOServerCnxn } from './nio-server-cnxn.ts';
import { describeError as describe } from './describe-error.ts';

export const EXPIRER_THREAD_NAME = 'ConnnectionExpirer';

/** The expirer thread role. Implements: expiry.thread, expiry.sessionless, expiry.session-timeout. */
export class ConnectionExpirer {
  readonly thread: LogicalThread;

  constructor(protected readonly ctx: NioContext) {
    this.thread = ctx.runtime.thread(EXPIRER_THREAD_NAME, () => this.run());
  }

  /** Ends the sleep of a running expirer. */
  interrupt(): void {
    if (this.thread.state === 'RUNNABLE') this.thread.interrupt();
  }

  protected async run(): Promise<void> {
    const { runtime, registry } = this.ctx;
    while (!this.ctx.isStopped()) {
      try {
        const wait = registry.expiryWaitTime(runtime.clock.now());
        if (wait > 0) {
          await runtime.clock.sleep(wait);
          continue;
        }
        // One bucket per pass: a late expirer catches up bucket by bucket without sleeping.
        for (const cnxn of registry.pollExpired(runtime.clock.now())) {
          if (cnxn.isClosed()) continue;
          await this.expire(cnxn);
        }
      } catch (err) {
        if (err instanceof InterruptedError) break;
        runtime.log.log('warn', `${EXPIRER_THREAD_NAME}: ignoring an exception: ${describe(err)}`);
      }
    }
  }

  /** Closes one connection whose bucket is due. */
  protected async expire(cnxn: NIOServerCnxn): Promise<void> {
    this.ctx.runtime.fact({ ev: 'expire', ch: cnxn.id });
    await cnxn.close('connection_expired');
  }
}
