/**
 * Ping throughput and latency: `connections` sessions, each keeping `inFlight` pings outstanding (a reply is
 * answered at once with a new ping, written together per chunk), for a warm-up and then a fixed measured time.
 * Replies come back in order on a connection, so each reply's latency is now minus the send time at the head of
 * that connection's queue of send times. Given the server's pid, it also reads the CPU time the server used in the
 * measured window, so that the cost per ping can be compared even when other work shares the cores.
 */
import { cpuMs } from '../servers/processes.ts';
import { closeAll, failureCount, openSessions, TCP_DIALER, type Dialer } from './sessions.ts';
import { FrameCounter, pings } from './wire.ts';

export interface PingResult {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly replies: number;
  /** Sessions that could not be opened, or closed during the run. */
  readonly failures: number;
  /** CPU time the server process used during the measured window (all its threads), when its pid was given. */
  readonly serverCpuMs?: number;
  /** CPU time this load generator's own process used in the same window: what the server had to share the cores with. */
  readonly clientCpuMs?: number;
}

/** A growable array of doubles, so 500,000 latencies cost one buffer. */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export async function measurePings(
  port: number,
  connections: number,
  inFlight: number,
  warmupMs: number,
  measureMs: number,
  serverPid?: number,
  dialer: Dialer = TCP_DIALER,
): Promise<PingResult> {
  const opened = await openSessions(port, connections, 20_000, dialer);
  let failures = failureCount(opened.failures);
  const latencies = new Samples();
  let counting = false;
  let running = true;
  let replies = 0;
  for (const socket of opened.sockets) {
    if (socket.destroyed) continue;
    const frames = new FrameCounter();
    // Send times of this connection's outstanding pings, oldest first (a ring of `inFlight` slots).
    const sent = new Float64Array(inFlight);
    let head = 0;
    let size = 0;
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => {
      const n = frames.push(chunk);
      if (n === 0) return;
      const now = performance.now();
      for (let i = 0; i < n && size > 0; i++) {
        if (counting) latencies.push(now - (sent[head] as number));
        head = (head + 1) % inFlight;
        size--;
      }
      if (counting) replies += n;
      if (!running) return;
      for (let i = 0; i < n; i++) sent[(head + size++) % inFlight] = now;
      socket.write(pings(n));
    });
    socket.on('close', () => {
      if (running) failures++;
    });
    const now = performance.now();
    for (let i = 0; i < inFlight; i++) sent[size++] = now;
    socket.write(pings(inFlight));
  }
  await new Promise((r) => setTimeout(r, warmupMs));
  counting = true;
  const cpuBefore = serverPid === undefined ? undefined : cpuMs(serverPid);
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  await new Promise((r) => setTimeout(r, measureMs));
  counting = false;
  running = false;
  const seconds = (performance.now() - start) / 1000;
  const cpuAfter = serverPid === undefined ? undefined : cpuMs(serverPid);
  const client = process.cpuUsage(clientBefore);
  const clientCpuMs = (client.user + client.system) / 1000;
  await closeAll(opened.sockets, 300);
  const sorted = latencies.sorted();
  const serverCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  return { perSecond: replies / seconds, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), replies, failures, clientCpuMs, ...(serverCpuMs !== undefined ? { serverCpuMs } : {}) };
}
