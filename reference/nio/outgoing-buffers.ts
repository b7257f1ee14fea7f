/**
 * OutgoingBuffers: a connection's queue of frames waiting to be written, plus the close-after-flush marker.
 * Frames are appended whole and leave in append order; a partial write leaves the unwritten rest at the head.
 * Like ZooKeeper's direct-buffer mode, the writer gathers several small queued frames into one socket write
 * (up to `gather` bytes) and then consumes exactly what the socket took.
 *
 * Implements: cnxn.outgoing-buffers (order, partial writes keep the rest, close only after what precedes it).
 */
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';

/** The close-after-flush marker: when the writer reaches it, the connection closes with `reason`. */
export interface CloseRequest {
  readonly close: true;
  readonly reason: DisconnectReason;
}

export type NextWrite = { readonly bytes: Uint8Array } | CloseRequest | null;

export const DEFAULT_GATHER_BYTES = 64 * 1024;

/** A connection's pending output. Implements: cnxn.outgoing-buffers. */
export class OutgoingBuffers {
  protected items: (Uint8Array | CloseRequest)[] = [];
  /** Index of the head item (items before it are consumed; compacted lazily). */
  protected head = 0;
  /** Bytes of the head frame already written. */
  protected headOffset = 0;
  private pending = 0;

  /** Appends one frame. Empty frames are ignored (there is nothing to send). */
  push(frame: Uint8Array): void {
    if (frame.length === 0) return;
    this.items.push(frame);
    this.pending += frame.length;
  }

  /** Appends the close-after-flush marker. */
  pushClose(reason: DisconnectReason): void {
    this.items.push({ close: true, reason });
  }

  isEmpty(): boolean {
    return this.head === this.items.length;
  }

  /** Bytes queued and not yet written. */
  pendingBytes(): number {
    return this.pending;
  }

  /**
   * What the writer should do next: write `bytes` (the unwritten rest of the head frame, gathered with the
   * following frames up to `gather` bytes and never past a close marker), close, or nothing (null).
   */
  next(gather: number = DEFAULT_GATHER_BYTES): NextWrite {
    if (this.isEmpty()) return null;
    const first = this.items[this.head] as Uint8Array | CloseRequest;
    if (!(first instanceof Uint8Array)) return first;
    // No view when nothing of the head is written: a small frame lives in V8's heap, and a view moves it out.
    const rest = this.headOffset === 0 ? first : first.subarray(this.headOffset);
    if (rest.length >= gather) return { bytes: rest };
    const parts: Uint8Array[] = [rest];
    let size = rest.length;
    for (let i = this.head + 1; i < this.items.length && size < gather; i++) {
      const item = this.items[i] as Uint8Array | CloseRequest;
      if (!(item instanceof Uint8Array)) break;
      const take = item.length <= gather - size ? item : item.subarray(0, gather - size);
      parts.push(take);
      size += take.length;
    }
    if (parts.length === 1) return { bytes: rest };
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return { bytes };
  }

  /** Marks `n` bytes as written, from the head on. */
  consume(n: number): void {
    let left = n;
    this.pending -= n;
    while (left > 0 && !this.isEmpty()) {
      const item = this.items[this.head] as Uint8Array | CloseRequest;
      if (!(item instanceof Uint8Array)) throw new Error('consume() went past a close marker');
      const remaining = item.length - this.headOffset;
      if (left < remaining) {
        this.headOffset += left;
        return;
      }
      left -= remaining;
      this.headOffset = 0;
      this.head++;
    }
    if (left > 0) throw new Error(`consume(${n}) is more than was queued`);
    this.compact();
  }

  /** Drops the close marker at the head (the caller is acting on it). */
  takeClose(): CloseRequest | undefined {
    const item = this.items[this.head];
    if (item === undefined || item instanceof Uint8Array) return undefined;
    this.head++;
    this.compact();
    return item;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
