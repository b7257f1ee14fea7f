

/** Bucketed deadlines. Implements: expiry.buckets, expiry.thread. */
export class ExpiryQueue<E> {
  /** Element -> the bucket time it is in. */
  private readonly elemMap = new Map<E, number>();
  /** Bucket time -> the elements due then. Empty buckets may linger until polled; they are harmless. */
  private readonly expiryMap = new Map<number, Set<E>>();
  private nextExpirationTime: number;

  /** The first bucket boundary is fixed now, at construction (ZooKeeper does it at configure time). */
  constructor(
    readonly interval: number,
    now: number,
  ) {
    if (!Number.isInteger(interval) || interval <= 0) {
      throw new RangeError(`expiry interval must be a positive integer number of ms, got ${interval}`);
    }
    this.nextExpirationTime = this.roundToNextInterval(now);
  }

  /** The first multiple of the interval strictly greater than `time`. */
  roundToNextInterval(time: number): number {
    return (Math.floor(time / this.interval) + 1) * this.interval;
  }

  /**
   * Puts `elem` in the bucket for `now + timeout`. Returns the new bucket time, or null when the element was
   * already in that bucket (the common case for a busy connection, and a no-op).
   */
  update(elem: E, timeout: number, now: number): number | null {
    const previous = this.elemMap.get(elem);
    const next = this.roundToNextInterval(now + timeout);
    if (previous === next) return null;
    let bucket = this.expiryMap.get(next);
    if (bucket === undefined) {
      bucket = new Set();
      this.expiryMap.set(next, bucket);
    }
    bucket.add(elem);
    this.elemMap.set(elem, next);
    if (previous !== undefined) this.expiryMap.get(previous)?.delete(elem);
    return next;
  }

  /** Forgets `elem`; returns the bucket time it was in, or null if it was not queued. */
  remove(elem: E): number | null {
    const previous = this.elemMap.get(elem);
    if (previous === undefined) return null;
    this.elemMap.delete(elem);
    this.expiryMap.get(previous)?.delete(elem);
    return previous;
  }

  /** The bucket time of `elem`, if queued. */
  expiryOf(elem: E): number | undefined {
    return this.elemMap.get(elem);
  }

  /** How long until the next bucket is due: max(0, next - now). */
  waitTime(now: number): number {
    return Math.max(0, this.nextExpirationTime - now);
  }

  /** The time of the next bucket to be polled. */
  nextExpiration(): number {
    return this.nextExpirationTime;
  }

  /**
   * Takes the next bucket if it is due: empty when `now` is before it. Advances by exactly one interval per
   * call, so a caller that fell behind empties the overdue buckets one per call. Elements stay known to the
   * queue (expiryOf) until remove() is called for them, which the connection's close does.
   */
  poll(now: number): E[] {
    if (now < this.nextExpirationTime) return [];
    const due = this.nextExpirationTime;
    this.nextExpirationTime = due + this.interval;
    const bucket = this.expiryMap.get(due);
    this.expiryMap.delete(due);
    return bucket === undefined ? [] : [...bucket];
  }

  /** Number of queued elements. */
  size(): number {
    return this.elemMap.size;
  }
}
