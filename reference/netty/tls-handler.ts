/**
 * TlsHandler: the `ssl` stage at the head of a secure channel's pipeline. The runtime does the cryptography
 * (node:tls on real sockets, an abstract handshake in the simulation); this stage is the policy Netty's SslHandler
 * enforces for ZooKeeper: no byte goes further until the handshake has completed, and a peer that fails it
 * (plaintext on the secure port, a bad client certificate) is closed with `Unsuccessful handshake`.
 *
 * Implements: netty.tls (bytes reach the decoder only after the handshake; a failed handshake closes).
 */
import type { ChannelHandler, HandlerContext } from './channel-pipeline.ts';

export class TlsHandler implements ChannelHandler {
  readonly name = 'ssl';

  async read(ctx: HandlerContext, msg: unknown): Promise<void> {
    const state = ctx.channel.socket.tlsState();
    if (state === 'done') {
      await ctx.fireRead(msg);
      return;
    }
    // The runtime contract never delivers bytes before the handshake; if one did, they are not passed on.
    ctx.channel.loop.runtime.log.log('error', `${ctx.channel.id}: ${(msg as Uint8Array).length} byte(s) arrived in TLS state ${state}; dropped and closed`);
    await ctx.channel.closeNow('Unsuccessful handshake');
  }

  async exception(ctx: HandlerContext, err: unknown): Promise<void> {
    const { channel } = ctx;
    if (channel.socket.tlsState() !== 'failed') {
      await ctx.fireException(err);
      return;
    }
    const remote = channel.socket.remoteAddress;
    channel.loop.runtime.log.log(
      'warn',
      `Unsuccessful TLS handshake with ${remote.host}:${remote.port} (${channel.id}): ${err instanceof Error ? err.message : String(err)}`,
    );
    await channel.closeNow('Unsuccessful handshake');
  }
}
