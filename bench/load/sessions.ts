/**
 * Opening many client sessions at once over raw sockets: every socket sends the same ConnectRequest frame as
 * soon as it connects, and counts as established when the first complete frame (the ConnectResponse) comes back.
 * Used by the storm (time until all are established) and by the memory phase (sessions held open).
 * How a socket is opened is a Dialer: plain TCP here, TLS in tls.ts (the ConnectRequest then waits for the TLS
 * handshake).
 */
import net from 'node:net';
import { CONNECT_FRAME, FrameCounter } from './wire.ts';

export interface SessionsResult {
  readonly sockets: net.Socket[];
  readonly established: number;
  /** Sockets that failed, by error code ('timeout' when the deadline passed first, 'closed' for a clean close). */
  readonly failures: Record<string, number>;
  /** From the first connect call until the last ConnectResponse (or the deadline). */
  readonly ms: number;
  /** From the first connect call until the last socket was ready to write (connected; TLS: handshake done). */
  readonly readyMs: number;
}

/** Opens a client socket to 127.0.0.1:port; the ConnectRequest is written on its `ready` event. */
export interface Dialer {
  connect(port: number): net.Socket;
  readonly ready: 'connect' | 'secureConnect';
}

export const TCP_DIALER: Dialer = { connect: (port) => net.connect({ host: '127.0.0.1', port, noDelay: true }), ready: 'connect' };

export function failureCount(failures: Record<string, number>): number {
  return Object.values(failures).reduce((a, b) => a + b, 0);
}

/** Opens `count` sessions at once; resolves when each has a ConnectResponse or failed, or at the deadline. */
export function openSessions(port: number, count: number, deadlineMs: number, dialer: Dialer = TCP_DIALER): Promise<SessionsResult> {
  return new Promise((resolve) => {
    const sockets: net.Socket[] = [];
    const failures: Record<string, number> = {};
    let established = 0;
    let settled = 0;
    let lastEstablished = 0;
    let ready = 0;
    let lastReady = 0;
    const start = performance.now();
    const finish = () => {
      clearTimeout(timer);
      const ms = (established === count ? lastEstablished : performance.now()) - start;
      const readyMs = (ready === count ? lastReady : performance.now()) - start;
      resolve({ sockets, established, failures, ms, readyMs });
    };
    const fail = (code: string) => {
      failures[code] = (failures[code] ?? 0) + 1;
      if (++settled === count) finish();
    };
    const timer = setTimeout(() => {
      const pending = count - settled;
      if (pending > 0) failures.timeout = (failures.timeout ?? 0) + pending;
      settled = count;
      finish();
    }, deadlineMs);
    for (let i = 0; i < count; i++) {
      const socket = dialer.connect(port);
      sockets.push(socket);
      const frames = new FrameCounter();
      let state: 'waiting' | 'established' | 'failed' = 'waiting';
      socket.once(dialer.ready, () => {
        ready++;
        lastReady = performance.now();
        socket.write(CONNECT_FRAME);
      });
      socket.on('data', (chunk) => {
        if (state === 'waiting' && frames.push(chunk) > 0) {
          state = 'established';
          established++;
          lastEstablished = performance.now();
          if (++settled === count) finish();
        }
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (state !== 'waiting' || settled >= count) return;
        state = 'failed';
        fail(err.code ?? 'error');
      });
      socket.on('close', () => {
        if (state !== 'waiting' || settled >= count) return;
        state = 'failed';
        fail('closed');
      });
    }
  });
}

/** Closes every socket and waits a moment for the server to see the closes. */
export async function closeAll(sockets: net.Socket[], settleMs: number): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise((r) => setTimeout(r, settleMs));
}
