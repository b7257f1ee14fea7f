/**
 * CnxnChannelHandler: the last stage of a channel's pipeline, where the factory meets the server behind it.
 *
 *   active:    total limit (maxCnxns), then the per-address limit (maxClientCnxns), checked here, when the channel
 *              becomes active on its loop: over a limit, the channel is closed (an orderly close, as Netty's) and
 *              the refusal logged; otherwise a connection is created and counted, and its idle deadline set (restarted by
 *              every readiness and write until the ConnectRequest, bucketed on its loop: idle-buckets.ts).
 *   read:      a four-letter word is offered to the handler; the first frame is the ConnectRequest (reading is
 *              held until its response is queued, and the idle deadline cleared); later frames are packets.
 *   exception: a bad length prefix closes with io_exception; anything else with channel_closed_exception.
 *   inactive:  the connection leaves the registry and the handler is told, once.
 *
 * Implements: netty.per-ip-limit, the idle timeout (see netty-settings.ts), cnxn.framing (length errors).
 */
import { isDisconnectReason } from '../../spec/disconnect-reasons.ts';
import { CnxnspecError } from '../../spec/errors.ts';
import type { FrameStep } from '../nio/frame-reader.ts';
import { FrameLengthError } from '../nio/frame-reader.ts';
import { describeError as describe } from '../nio/describe-error.ts';
import type { ChannelHandler, CloseReason, HandlerContext } from './channel-pipeline.ts';
import type { NettyContext } from './netty-context.ts';
import { NettyServerCnxn } from './netty-server-cnxn.ts';
import type { NettyChannel } from './netty-channel.ts';
import type { IdleWatch } from './event-loop.ts';

export class CnxnChannelHandler implements ChannelHandler, IdleWatch {
  readonly name = 'servercnxnfactory';
  private cnxnValue: NettyServerCnxn | undefined;

  constructor(protected readonly ctx: NettyContext) {}

  get cnxn(): NettyServerCnxn | undefined {
    return this.cnxnValue;
  }

  async active(hctx: HandlerContext): Promise<void> {
    const { channel } = hctx;
    const { runtime, registry, settings, maxClientCnxns } = this.ctx;
    const ip = channel.socket.remoteAddress.host;
    if (settings.maxCnxns > 0 && registry.size() >= settings.maxCnxns) {
      await this.refuse(channel, 'refused_max_cnxns', `Too many connections ${registry.size()} - max is ${settings.maxCnxns}`);
      return;
    }
    if (this.overPerIpLimit(ip)) {
      await this.refuse(channel, 'refused_per_ip_limit', `Too many connections from ${ip} - max is ${maxClientCnxns}`);
      return;
    }
    const cnxn = this.createConnection(channel);
    this.cnxnValue = cnxn;
    registry.add(cnxn);
    runtime.fact({ ev: 'cnxnCreated', ch: channel.id, key: channel.key?.id ?? '', ip });
    if (settings.idleTimeout > 0) {
      this.touch();
      // Until its ConnectRequest, every readiness and every byte moved keeps the channel from going idle.
      channel.onActivity = () => this.touch();
    }
  }

  /** The channel's idle deadline restarts now (bucketed on its loop), while it has not sent its ConnectRequest. */
  private touch(): void {
    const cnxn = this.cnxnValue;
    if (cnxn === undefined || cnxn.initialized || cnxn.isClosed()) return;
    const deadline = cnxn.channel.loop.touchIdle(this);
    if (deadline !== undefined) this.ctx.runtime.fact({ ev: 'touch', ch: cnxn.id, deadline });
  }

  /** IdleWatch: no ConnectRequest, and nothing else, within the idle timeout. */
  async onIdle(): Promise<void> {
    const cnxn = this.cnxnValue;
    if (cnxn === undefined || cnxn.initialized || cnxn.isClosed()) return;
    this.ctx.runtime.fact({ ev: 'expire', ch: cnxn.id });
    this.ctx.runtime.log.log('info', `Closing ${cnxn.id}: idle for the ${this.ctx.settings.idleTimeout} ms idle timeout before its ConnectRequest`);
    await cnxn.channel.closeNow('connection_expired');
  }

  async read(_hctx: HandlerContext, msg: unknown): Promise<void> {
    const cnxn = this.cnxnValue;
    if (cnxn === undefined || cnxn.isClosed()) return;
    const step = msg as FrameStep;
    if (step.kind === 'word') await this.offerFourLetterWord(cnxn, step.word, step.length);
    else if (step.kind === 'frame') await this.processFrame(cnxn, step.payload);
  }

  async exception(hctx: HandlerContext, err: unknown): Promise<void> {
    const { channel } = hctx;
    const log = this.ctx.runtime.log;
    const remote = channel.socket.remoteAddress;
    if (err instanceof FrameLengthError) {
      log.log(
        'warn',
        `Len error: ${remote.host}:${remote.port} announced a frame of ${err.length} bytes, which is negative or above jute.maxbuffer=${err.max}; closing the connection`,
      );
      await channel.closeNow('io_exception');
      return;
    }
    if (!(err instanceof CnxnspecError)) log.log('error', `${channel.id}: unexpected failure in the pipeline: ${describe(err)}`);
    else log.log('warn', `Closing ${channel.id} (${remote.host}:${remote.port}) after an exception: ${describe(err)}`);
    await channel.closeNow('channel_closed_exception');
  }

  async inactive(hctx: HandlerContext, reason: CloseReason): Promise<void> {
    hctx.channel.loop.clearIdle(this);
    const cnxn = this.cnxnValue;
    if (cnxn === undefined || !this.ctx.registry.remove(cnxn)) return;
    cnxn.dropOutstanding();
    try {
      this.ctx.handler()?.connectionClosed(cnxn, isDisconnectReason(reason) ? reason : 'unknown');
    } catch (err) {
      this.ctx.runtime.log.log('warn', `the request handler failed on close of ${cnxn.id}: ${describe(err)}`);
    }
  }

  /** The per-address check; a variant of the factory may change only this. */
  protected overPerIpLimit(ip: string): boolean {
    return this.ctx.maxClientCnxns > 0 && this.ctx.registry.ipCount(ip) >= this.ctx.maxClientCnxns;
  }

  protected createConnection(channel: NettyChannel): NettyServerCnxn {
    return new NettyServerCnxn(this.ctx, channel);
  }

  private async refuse(channel: NettyChannel, why: 'refused_per_ip_limit' | 'refused_max_cnxns', message: string): Promise<void> {
    this.ctx.runtime.fact({ ev: 'cnxnRefused', ch: channel.id, ip: channel.socket.remoteAddress.host, why });
    this.ctx.runtime.log.log('warn', message);
    await channel.closeNow(why);
  }

  private async offerFourLetterWord(cnxn: NettyServerCnxn, word: string, length: number): Promise<void> {
    const handler = this.ctx.handler();
    await cnxn.holdForWordAnswer();
    if (handler?.fourLetterWord && (await handler.fourLetterWord(cnxn, word))) return;
    await cnxn.releaseWordHold();
    throw new FrameLengthError(length, this.ctx.settings.juteMaxBuffer);
  }

  private async processFrame(cnxn: NettyServerCnxn, payload: Uint8Array): Promise<void> {
    const handler = this.ctx.handler();
    if (handler === undefined) {
      throw new CnxnspecError('CNXNSPEC_ERR_IO', 'no request handler is attached (call startup(handler) before clients connect)');
    }
    if (!cnxn.initialized) {
      cnxn.channel.loop.clearIdle(this);
      await cnxn.holdForConnectResponse();
      await handler.processConnectRequest(cnxn, payload);
      return;
    }
    await cnxn.requestArrived(payload);
    await handler.processPacket(cnxn, payload);
  }
}
