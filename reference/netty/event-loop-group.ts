/**
 * EventLoopGroup: the worker event loops, `zkNetty-worker-1..N`, and the chooser that binds each new channel to
 * one of them, in turn (Netty's default chooser is round robin). A channel keeps its loop for life.
 */
import type { HostRuntime } from '../../spec/runtime.ts';
import { EventLoop } from './event-loop.ts';

export class EventLoopGroup {
  private next = 0;

  private constructor(readonly loops: readonly EventLoop[]) {}

  /** Opens `count` loops named `<prefix>-1..count` (threads created, not started), with idle deadlines of `idleTimeout` ms. */
  static async open(runtime: HostRuntime, prefix: string, count: number, idleTimeout = 0): Promise<EventLoopGroup> {
    const loops: EventLoop[] = [];
    for (let i = 1; i <= count; i++) loops.push(await EventLoop.open(runtime, `${prefix}-${i}`, idleTimeout));
    return new EventLoopGroup(loops);
  }

  /** The loop the next channel is bound to. */
  choose(): EventLoop {
    const loop = this.loops[this.next] as EventLoop;
    this.next = (this.next + 1) % this.loops.length;
    return loop;
  }

  names(): string[] {
    return this.loops.map((loop) => loop.name);
  }
}
