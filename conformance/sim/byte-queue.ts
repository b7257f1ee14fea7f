/** A FIFO of bytes: one direction of a simulated connection. Copies on the way in and on the way out. */

export class ByteQueue {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already taken. */
  private offset = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes.slice());
    this.count += bytes.length;
  }

  /** Copies up to `into.length` bytes into `into`; returns how many. */
  takeInto(into: Uint8Array): number {
    let n = 0;
    while (n < into.length && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length - this.offset, into.length - n);
      into.set(chunk.subarray(this.offset, this.offset + take), n);
      n += take;
      this.offset += take;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.count -= n;
    return n;
  }

  take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.count));
    this.takeInto(out);
    return out;
  }

  clear(): void {
    this.chunks.length = 0;
    this.offset = 0;
    this.count = 0;
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
