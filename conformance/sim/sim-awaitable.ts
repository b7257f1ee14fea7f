/**
 * A promise-like that becomes a scheduling point only when it is awaited: `then` parks the logical thread that
 * calls it (the one awaiting) until `settled()` holds. That lets a test body start something, go on with other
 * runtime calls, and await it later (`const reading = peer.receive(n); ...; await reading`), which an eager
 * runtime call could not do: a thread parked in one call cannot make another.
 *
 * Awaited from outside every logical thread, it drives the scheduler until settled. Await one at a time per
 * thread (Promise.all over two of them parks the thread twice, which the scheduler refuses).
 */

import type { Scheduler } from './scheduler.ts';
import { wait } from './ops.ts';

type Handler<A, R> = ((value: A) => R | PromiseLike<R>) | null | undefined;

export function awaitable<T>(sched: Scheduler, label: string, settled: () => boolean, value: () => T): Promise<T> {
  const then = <R1 = T, R2 = never>(onFulfilled?: Handler<T, R1>, onRejected?: Handler<unknown, R2>): Promise<R1 | R2> =>
    new Promise<R1 | R2>((resolve, reject) => {
      const forward = <A, R>(handler: Handler<A, R>, arg: A, passOn: () => void): void => {
        if (!handler) return passOn();
        try {
          resolve(handler(arg) as R1 | R2);
        } catch (error) {
          reject(error);
        }
      };
      sched.enter(() => wait({ label, until: settled, finish: value }), {
        resolve: (v) => forward(onFulfilled, v, () => resolve(v as unknown as R1)),
        reject: (e) => forward(onRejected, e, () => reject(e)),
      });
    });
  const like = {
    then,
    catch: <R>(onRejected?: Handler<unknown, R>) => then<T, R>(undefined, onRejected),
    finally: (onFinally?: (() => void) | null) =>
      then(
        (v) => {
          onFinally?.();
          return v;
        },
        (e: unknown) => {
          onFinally?.();
          throw e;
        },
      ),
    [Symbol.toStringTag]: 'Promise',
  };
  return like as unknown as Promise<T>;
}
