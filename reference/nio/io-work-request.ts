/**
 * IOWorkRequest: one IO pass for one connection, created by its selector thread when the key is ready and run
 * by a worker (or inline by the selector thread with 0 workers). While it is out, the connection is not
 * selectable and its key's interest ops are 0, so no second pass for that connection can be scheduled.
 *
 *     SelectorThread-i --handleIO()--> IOWorkRequest --WorkerService--> doWork() --> [updateQueue@SelectorThread-i]
 *
 * Implements: selector.interest-via-update-queue (restore through the owner's updateQueue), io.exclusive
 * (ioStart/ioEnd bracket the only IO of the connection), expiry.touch (after each IO pass),
 * selector.invalid-key (a key found invalid here is cleaned up).
 */
import type { SelectionKey } from '../../spec/runtime.ts';
import { OP_READ, OP_WRITE } from '../../spec/runtime.ts';
import type { NioContext } from './nio-context.ts';
import type { NIOServerCnxn } from './nio-server-cnxn.ts';
import type { SelectorThread } from './selector-thread.ts';
import type { WorkRequest } from './worker-service.ts';

/** One IO pass. Implements: selector.interest-via-update-queue, io.exclusive, expiry.touch, selector.invalid-key. */
export class IOWorkRequest implements WorkRequest {
  readonly id: string;
  private started = false;

  constructor(
    protected readonly ctx: NioContext,
    readonly owner: SelectorThread,
    readonly key: SelectionKey,
    readonly cnxn: NIOServerCnxn,
  ) {
    this.id = cnxn.id;
  }

  /**
   * 1. an invalid key is cleaned up and nothing else happens;
   * 2. if the key was ready for read or write: one IO pass; then a stopped factory closes the connection
   *    (server_shutdown), a key made invalid by the pass is cleaned up, otherwise the connection is touched;
   * 3. the connection becomes selectable again;
   * 4. the owner is asked, through its updateQueue, to restore the interest ops; if it refuses (stopping),
   *    the connection closes with connection_mode_changed.
   */
  async doWork(): Promise<void> {
    const { runtime } = this.ctx;
    this.started = true;
    runtime.fact({ ev: 'ioStart', ch: this.id });
    let proceed = false;
    try {
      // 1.
      if (!this.key.isValid()) {
        await this.owner.cleanupInvalidKey(this.key);
        return;
      }
      // 2.
      if ((this.key.readyOps() & (OP_READ | OP_WRITE)) !== 0) {
        await this.cnxn.doIO();
        if (this.ctx.isStopped()) {
          await this.cnxn.close('server_shutdown');
          return;
        }
        if (!this.key.isValid()) {
          await this.owner.cleanupInvalidKey(this.key);
          return;
        }
        this.touchAfterIO();
      }
      proceed = true;
    } finally {
      // Reported before the connection becomes selectable, so the next ioScheduled always follows it.
      runtime.fact({ ev: 'ioEnd', ch: this.id });
    }
    if (!proceed) return;
    // 3.
    this.cnxn.enableSelectable();
    // 4.
    if (!(await this.requestInterestRestore())) {
      await this.cnxn.close('connection_mode_changed');
    }
  }

  /** Step 2's touch: the pass was activity, so the idle deadline starts again now. */
  protected touchAfterIO(): void {
    this.ctx.registry.touch(this.cnxn);
  }

  /** Step 4: ask the owner, through its updateQueue, to restore the interest ops. False if it refused. */
  protected requestInterestRestore(): Promise<boolean> {
    // Not async: an async function returning a promise costs two more promises on every IO pass.
    return this.owner.addInterestOpsUpdateRequest(this.key);
  }

  /** The work will not run (pool stopped, refused, or doWork failed): close the connection. */
  async cleanup(): Promise<void> {
    if (this.started) {
      await this.cnxn.close('clean_up');
      return;
    }
    // Never run: still bracket it, so every ioScheduled is matched by an ioEnd.
    this.started = true;
    this.ctx.runtime.fact({ ev: 'ioStart', ch: this.id });
    try {
      await this.cnxn.close('clean_up');
    } finally {
      this.ctx.runtime.fact({ ev: 'ioEnd', ch: this.id });
    }
  }
}
