/**
 * Acceptor: the listening socket's handler on the boss event loop (Netty's ServerBootstrapAcceptor). On OP_ACCEPT
 * it accepts what is pending (at most MAX_ACCEPTS_PER_PASS), binds each channel to the next worker loop and hands
 * it over as a task on that loop's queue, so that registration, the pipeline and every later operation of the
 * channel happen on that loop. A failed accept (EMFILE...) turns accepting off for ACCEPT_PAUSE_MS.
 *
 * Implements: netty.event-loop-affinity (assignment at accept, handover through the loop's task queue).
 */
import { ACCEPT_PAUSE_MS } from '../../spec/knobs.ts';
import { OP_ACCEPT, type SelectionKey, type ServerSocketChannel, type SocketChannel } from '../../spec/runtime.ts';
import { describeError as describe } from '../nio/describe-error.ts';
import type { EventLoop, LoopHandler } from './event-loop.ts';
import type { EventLoopGroup } from './event-loop-group.ts';

export const MAX_ACCEPTS_PER_PASS = 16;

export class Acceptor implements LoopHandler {
  constructor(
    readonly boss: EventLoop,
    readonly serverSocket: ServerSocketChannel,
    readonly workers: EventLoopGroup,
    /** Builds the channel and its pipeline, registers it, fires active; runs on `loop`. */
    private readonly initChannel: (socket: SocketChannel, loop: EventLoop) => Promise<void>,
  ) {}

  async onReady(key: SelectionKey): Promise<void> {
    for (let i = 0; i < MAX_ACCEPTS_PER_PASS; i++) {
      let socket: SocketChannel | null;
      try {
        socket = await this.serverSocket.accept();
      } catch (err) {
        this.boss.runtime.log.log('warn', `Error accepting new connection: ${describe(err)}`);
        await this.pause(key);
        return;
      }
      if (socket === null) return;
      await this.handOver(socket);
    }
  }

  /** The listening socket is closed by the factory's stop, not here. */
  async onLoopExit(): Promise<void> {}

  private async handOver(socket: SocketChannel): Promise<void> {
    const loop = this.workers.choose();
    const accepted = socket;
    const ok = await loop.execute({
      // Named by the channel it hands over, as an NIO acceptedQueue item is: a failed registration is traced on it.
      id: socket.id,
      run: () => this.initChannel(accepted, loop),
      abandon: () => accepted.close('not_registered_at_stop', { reset: true }),
    });
    if (!ok) {
      this.boss.runtime.log.log('warn', `Error accepting new connection: ${loop.name} is shutting down; closing ${socket.id}`);
      await socket.close('handoff_failed', { reset: true });
    }
  }

  private async pause(key: SelectionKey): Promise<void> {
    this.boss.runtime.fact({ ev: 'acceptPaused', ms: ACCEPT_PAUSE_MS });
    if (key.isValid()) await key.setInterestOps(0);
    this.boss.schedule('acceptResume', this.boss.runtime.clock.now() + ACCEPT_PAUSE_MS, async () => {
      if (key.isValid()) await key.setInterestOps(OP_ACCEPT);
    });
  }
}
