/**
 * Counters the four-letter words report: packets received and sent, request latency, per server and per
 * connection. Latency is measured on the runtime clock from the moment a request is handed over to the moment
 * its reply is queued; the reference answers synchronously, so it is 0 unless the host is badly overloaded.
 */

export class LatencyStats {
  /** Forgets every sample (crst, srst). */
  reset(): void {
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
    this.total = 0;
    this.count = 0;
    this.latest = 0;
  }

  private min = Number.POSITIVE_INFINITY;
  private max = 0;
  private total = 0;
  private count = 0;
  private latest = 0;

  add(ms: number): void {
    this.latest = ms;
    this.min = Math.min(this.min, ms);
    this.max = Math.max(this.max, ms);
    this.total += ms;
    this.count += 1;
  }

  last(): number {
    return this.latest;
  }

  /** 0 before the first sample, as ZooKeeper reports it. */
  minimum(): number {
    return this.count === 0 ? 0 : this.min;
  }

  maximum(): number {
    return this.max;
  }

  /** Average with at most 4 decimals (server-wide figures). */
  average(): number {
    return this.count === 0 ? 0 : Math.round((this.total / this.count) * 10_000) / 10_000;
  }

  /** Whole-ms average (per-connection figures are longs in ZooKeeper). */
  averageWhole(): number {
    return this.count === 0 ? 0 : Math.floor(this.total / this.count);
  }
}

export class ServerStats {
  packetsReceived = 0;
  packetsSent = 0;
  readonly latency = new LatencyStats();

  /** srst: counters and latency back to zero. */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.latency.reset();
  }
}

export class ConnectionStats {
  recved = 0;
  sent = 0;
  lastOp = 'NA';
  lastCxid = -1;
  lastZxid = -1n;
  /** Runtime-clock ms of the last reply. */
  lastResponseTime = 0;
  readonly latency = new LatencyStats();

  /** crst: as ZooKeeper resets a connection's statistics (the session and its last op stay). */
  reset(): void {
    this.recved = 0;
    this.sent = 0;
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTime = 0;
    this.latency.reset();
  }
}
