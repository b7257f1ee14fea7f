/**
 * FrameDecoder: turns the bytes of a channel into frames (a 4-byte big-endian length, then the payload) and into a
 * four-letter word when the stream's first 4 bytes spell one. Unlike the NIO connection, which reads at most one
 * frame per pass straight from the socket, the decoder gets whatever one read delivered and may find several
 * frames in it; it hands them on one at a time and stops as soon as the channel's auto-read goes off, keeping
 * the rest (in order) until `resume`. That is ZooKeeper's Netty read path: processing stops on throttle and the
 * remainder is queued.
 *
 * Implements: netty.event-loop-affinity (data read while throttled is kept and processed in order), cnxn.framing.
 */
import { FOUR_LETTER_WORDS } from '../../spec/server-cnxn-factory.ts';
import { FrameReader } from '../nio/frame-reader.ts';
import type { ChannelHandler, HandlerContext } from './channel-pipeline.ts';

const FOUR_LETTER_WORD_SET: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);

export class FrameDecoder implements ChannelHandler {
  readonly name = 'frameDecoder';
  private readonly reader: FrameReader;
  private readonly kept: Uint8Array[] = [];
  private keptOffset = 0;
  private keptBytes = 0;

  constructor(maxBuffer: number) {
    this.reader = new FrameReader(maxBuffer, undefined, FOUR_LETTER_WORD_SET);
  }

  /** Bytes read from the socket and not yet handed on as part of a frame. */
  keptByteCount(): number {
    return this.keptBytes;
  }

  async read(ctx: HandlerContext, msg: unknown): Promise<void> {
    const bytes = msg as Uint8Array;
    if (bytes.length > 0) {
      this.kept.push(bytes);
      this.keptBytes += bytes.length;
    }
    await this.drain(ctx);
  }

  async resume(ctx: HandlerContext): Promise<void> {
    await this.drain(ctx);
    await ctx.fireResume();
  }

  /**
   * Hands on complete frames while auto-read is on. A bad length prefix, or a failure of a later stage with a
   * frame, goes down the pipeline as an exception.
   */
  private async drain(ctx: HandlerContext): Promise<void> {
    const { channel } = ctx;
    try {
      // A loop that is shutting down closes its channels next: frames kept until then are not worth the wait.
      while (channel.isAutoRead() && !channel.isClosed() && !channel.loop.isShuttingDown()) {
        const step = await this.reader.step((into) => Promise.resolve(this.take(into)));
        if (step.kind === 'partial' || step.kind === 'eof') return;
        await ctx.fireRead(step);
      }
    } catch (err) {
      await ctx.fireException(err);
    }
  }

  /** Copies kept bytes into `into` (0 when none are kept: the reader then waits for the next read). */
  private take(into: Uint8Array): number {
    let n = 0;
    while (n < into.length && this.kept.length > 0) {
      const chunk = this.kept[0] as Uint8Array;
      const count = Math.min(chunk.length - this.keptOffset, into.length - n);
      into.set(chunk.subarray(this.keptOffset, this.keptOffset + count), n);
      n += count;
      this.keptOffset += count;
      if (this.keptOffset === chunk.length) {
        this.kept.shift();
        this.keptOffset = 0;
      }
    }
    this.keptBytes -= n;
    return n;
  }
}
