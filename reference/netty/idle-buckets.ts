/**
 * IdleBuckets: the idle deadlines of one event loop's channels, bucketed as the NIO factory's expiry queue is
 * (expiry.buckets): a channel touched at T with timeout t belongs to the bucket at (floor((T + t) / interval) + 1)
 * x interval, so it is never closed at or before T + t and at most one interval after.
 *
 *     touch(channel)   O(1): move it to its bucket (a Map of Sets keyed by bucket time)
 *     next()           the earliest bucket: O(buckets), and with one timeout for every channel deadlines lie in
 *                      (now, now + t + interval], so there are at most three buckets however many channels
 *     takeDue(now)     every channel of every bucket due, oldest bucket first, in the order they were touched
 *
 * A loop pass costs what is due, not what is registered, so a storm of idle channels is linear rather than the
 * quadratic of a scan of every timer on every pass. Iteration follows insertion order, so runs replay exactly.
 */
export class IdleBuckets<T> {
  private readonly buckets = new Map<number, Set<T>>();
  private readonly bucketOf = new Map<T, number>();

  constructor(readonly interval: number) {}

  get size(): number {
    return this.bucketOf.size;
  }

  /** Puts `item` in the bucket after `now + timeout`; returns that bucket's time. */
  touch(item: T, now: number, timeout: number): number {
    const at = (Math.floor((now + timeout) / this.interval) + 1) * this.interval;
    const old = this.bucketOf.get(item);
    if (old === at) return at;
    if (old !== undefined) this.leave(item, old);
    this.bucketOf.set(item, at);
    const bucket = this.buckets.get(at);
    if (bucket) bucket.add(item);
    else this.buckets.set(at, new Set([item]));
    return at;
  }

  remove(item: T): void {
    const old = this.bucketOf.get(item);
    if (old !== undefined) this.leave(item, old);
  }

  /** The time of the earliest non-empty bucket, if any. */
  next(): number | undefined {
    let nearest: number | undefined;
    for (const at of this.buckets.keys()) if (nearest === undefined || at < nearest) nearest = at;
    return nearest;
  }

  /** Removes and returns the items of every bucket due at `now`, oldest bucket first. */
  takeDue(now: number): T[] {
    const due: T[] = [];
    for (let at = this.next(); at !== undefined && at <= now; at = this.next()) {
      const bucket = this.buckets.get(at)!;
      this.buckets.delete(at);
      for (const item of bucket) {
        this.bucketOf.delete(item);
        due.push(item);
      }
    }
    return due;
  }

  clear(): void {
    this.buckets.clear();
    this.bucketOf.clear();
  }

  private leave(item: T, at: number): void {
    this.bucketOf.delete(item);
    const bucket = this.buckets.get(at);
    if (bucket === undefined) return;
    bucket.delete(item);
    if (bucket.size === 0) this.buckets.delete(at);
  }
}
