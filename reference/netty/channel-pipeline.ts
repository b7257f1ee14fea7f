/**
 * ChannelPipeline: the ordered inbound handlers of one channel, Netty-style. Each event enters at the head and a
 * handler passes it on (possibly transformed) through its context, or stops it. Everything runs on the channel's
 * event loop.
 *
 *     secure:    tls -> frameDecoder -> cnxnHandler
 *     plaintext:        frameDecoder -> cnxnHandler
 *
 * Events: active (registered and ready), read (bytes from the socket, then frames after the decoder), resume
 * (auto-read was turned back on: process what was kept), exception, inactive (closed, with the reason).
 */
import type { DisconnectReason, SocketCloseReason } from '../../spec/disconnect-reasons.ts';
import type { NettyChannel } from './netty-channel.ts';

export type CloseReason = DisconnectReason | SocketCloseReason;

export interface HandlerContext {
  readonly channel: NettyChannel;
  fireActive(): Promise<void>;
  fireRead(msg: unknown): Promise<void>;
  fireResume(): Promise<void>;
  fireException(err: unknown): Promise<void>;
  fireInactive(reason: CloseReason): Promise<void>;
}

/** A stage of the pipeline; each method left out passes the event on unchanged. */
export interface ChannelHandler {
  readonly name: string;
  active?(ctx: HandlerContext): Promise<void>;
  read?(ctx: HandlerContext, msg: unknown): Promise<void>;
  resume?(ctx: HandlerContext): Promise<void>;
  exception?(ctx: HandlerContext, err: unknown): Promise<void>;
  inactive?(ctx: HandlerContext, reason: CloseReason): Promise<void>;
}

export class ChannelPipeline {
  private readonly contexts: HandlerContext[];

  constructor(
    readonly channel: NettyChannel,
    readonly handlers: readonly ChannelHandler[],
  ) {
    this.contexts = handlers.map((_, i) => this.contextAt(i));
  }

  names(): string[] {
    return this.handlers.map((h) => h.name);
  }

  fireActive(): Promise<void> {
    return this.at(0).fireActive();
  }

  fireRead(bytes: Uint8Array): Promise<void> {
    return this.at(0).fireRead(bytes);
  }

  fireResume(): Promise<void> {
    return this.at(0).fireResume();
  }

  fireException(err: unknown): Promise<void> {
    return this.at(0).fireException(err);
  }

  fireInactive(reason: CloseReason): Promise<void> {
    return this.at(0).fireInactive(reason);
  }

  /** The context that delivers events to handler `i` (index past the end: the tail, which drops them). */
  private at(i: number): HandlerContext {
    return this.contexts[i] ?? TAIL(this.channel);
  }

  private contextAt(i: number): HandlerContext {
    const handler = (): ChannelHandler => this.handlers[i] as ChannelHandler;
    const next = (): HandlerContext => this.at(i + 1);
    const ctx: HandlerContext = {
      channel: this.channel,
      fireActive: async () => {
        const h = handler();
        if (h.active) await h.active(next());
        else await next().fireActive();
      },
      fireRead: async (msg) => {
        const h = handler();
        if (h.read) await h.read(next(), msg);
        else await next().fireRead(msg);
      },
      fireResume: async () => {
        const h = handler();
        if (h.resume) await h.resume(next());
        else await next().fireResume();
      },
      fireException: async (err) => {
        const h = handler();
        if (h.exception) await h.exception(next(), err);
        else await next().fireException(err);
      },
      fireInactive: async (reason) => {
        const h = handler();
        if (h.inactive) await h.inactive(next(), reason);
        else await next().fireInactive(reason);
      },
    };
    return ctx;
  }
}

/**
 * The end of the pipeline: events no handler stopped end here. Each handler receives the context of the stage
 * after it, so `ctx.fireRead(x)` inside handler i delivers x to handler i + 1; past the last, nothing happens.
 */
function TAIL(channel: NettyChannel): HandlerContext {
  const done = async (): Promise<void> => {};
  return { channel, fireActive: done, fireRead: done, fireResume: done, fireException: done, fireInactive: done };
}
