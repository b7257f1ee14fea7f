/**
 * Sockets that never complete a handshake: (d) sockets that connect and send nothing, and (c') sockets that send
 * only a 4-byte length prefix announcing a large frame that never comes.
 * (d) records when the server closes each one (FIN or reset seen by the client), measured from the moment this
 * process called connect: the server's accept, where its timer starts, can only come later, so a close sooner than
 * the timeout after that moment is certainly early, and lateness is an upper bound (it includes the accept delay of
 * a burst of 1,000 connects, tens of ms). A close is on time when it falls in [timeout, 2 x timeout + slack]:
 * expiry.buckets allows up to one bucket interval (= the timeout) of lateness, plus scheduling delay.
 * (c') reads the server's resident memory before and, at its highest, while the sockets are held, and its live
 * heap (after a full GC) before and while they are held: a Java heap that is already resident from earlier phases
 * can take the announced buffers without growing RSS, so RSS alone understates what ZooKeeper reserves.
 */
import net from 'node:net';
import { rssKiB } from '../servers/processes.ts';
import { lengthPrefixOnly } from './wire.ts';

export interface IdleCloseResult {
  readonly opened: number;
  readonly closed: number;
  readonly onTime: number;
  readonly early: number;
  /** Close time minus the timeout, over the closed sockets (ms). */
  readonly latenessMs: { readonly min: number; readonly median: number; readonly max: number } | undefined;
}

export const ON_TIME_SLACK_MS = 500;

/** Connects `count` sockets at once; `calledAt[i]` is when socket i's connect was called. */
function connectAll(port: number, count: number): Promise<{ sockets: net.Socket[]; calledAt: number[] }> {
  return new Promise((resolve, reject) => {
    const sockets: net.Socket[] = [];
    const calledAt: number[] = [];
    let connected = 0;
    const timer = setTimeout(() => reject(new Error(`only ${connected} of ${count} idle sockets connected within 20 s`)), 20_000);
    for (let i = 0; i < count; i++) {
      calledAt.push(performance.now());
      const socket = net.connect({ host: '127.0.0.1', port });
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('connect', () => {
        if (++connected === count) {
          clearTimeout(timer);
          resolve({ sockets, calledAt });
        }
      });
    }
  });
}

/** (d): `count` silent sockets; waits until all are closed or `timeoutMs + waitMs` has passed. */
export async function idleCloses(port: number, count: number, timeoutMs: number, waitMs: number): Promise<IdleCloseResult> {
  const { sockets, calledAt } = await connectAll(port, count);
  const closedAfter: number[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs + waitMs);
    sockets.forEach((socket, i) => {
      let seen = false;
      const closed = () => {
        if (seen) return;
        seen = true;
        closedAfter.push(performance.now() - (calledAt[i] as number));
        if (closedAfter.length === count) {
          clearTimeout(timer);
          resolve();
        }
      };
      socket.on('end', closed);
      socket.on('close', closed);
      socket.resume();
    });
  });
  for (const socket of sockets) socket.destroy();
  const lateness = closedAfter.map((ms) => ms - timeoutMs).sort((a, b) => a - b);
  const onTime = closedAfter.filter((ms) => ms >= timeoutMs && ms <= 2 * timeoutMs + ON_TIME_SLACK_MS).length;
  return {
    opened: count,
    closed: closedAfter.length,
    onTime,
    early: closedAfter.filter((ms) => ms < timeoutMs).length,
    latenessMs:
      lateness.length === 0
        ? undefined
        : { min: lateness[0] as number, median: lateness[Math.floor(lateness.length / 2)] as number, max: lateness[lateness.length - 1] as number },
  };
}

export interface PrefixOnlyResult {
  readonly sockets: number;
  readonly beforeKiB: number;
  readonly peakKiB: number;
  /** Live heap (after a full GC) before, and half a second after the prefixes were sent, when the server tells. */
  readonly liveHeapBeforeKiB?: number;
  readonly liveHeapHeldKiB?: number;
  /** Sockets the server closed while they were held (a bad length is closed at once). */
  readonly closedEarly: number;
  /** Set when the server process died during the phase. */
  readonly serverDied: boolean;
  /** Threads the server's log names in an OutOfMemoryError during or right after the phase (set by the caller). */
  outOfMemoryThreads?: string[];
}

/**
 * (c'): `count` sockets each send only a length prefix of `announced`; the peak RSS over `holdMs` is kept, and the
 * live heap is read before and 500 ms after the prefixes went out (well inside the sessionless timeout).
 */
export async function prefixOnlyCost(
  port: number,
  pid: number,
  count: number,
  announced: number,
  holdMs: number,
  liveHeapKiB: () => Promise<number | undefined>,
): Promise<PrefixOnlyResult> {
  const liveHeapBeforeKiB = await liveHeapKiB();
  const beforeKiB = rssKiB(pid) ?? Number.NaN;
  const { sockets } = await connectAll(port, count);
  let closedEarly = 0;
  const prefix = lengthPrefixOnly(announced);
  for (const socket of sockets) {
    socket.once('close', () => closedEarly++);
    socket.write(prefix);
  }
  let peakKiB = beforeKiB;
  let serverDied = false;
  const sent = performance.now();
  const until = sent + holdMs;
  let liveHeapHeldKiB: number | undefined;
  let heapAsked = false;
  while (performance.now() < until) {
    if (!heapAsked && performance.now() - sent >= 500) {
      heapAsked = true;
      liveHeapHeldKiB = await liveHeapKiB();
    }
    await new Promise((r) => setTimeout(r, 50));
    const now = rssKiB(pid);
    if (now === undefined) {
      serverDied = true;
      break;
    }
    peakKiB = Math.max(peakKiB, now);
  }
  const closedWhileHeld = closedEarly;
  for (const socket of sockets) socket.destroy();
  return {
    sockets: count,
    beforeKiB,
    peakKiB,
    closedEarly: closedWhileHeld,
    serverDied,
    ...(liveHeapBeforeKiB !== undefined && liveHeapHeldKiB !== undefined ? { liveHeapBeforeKiB, liveHeapHeldKiB } : {}),
  };
}
