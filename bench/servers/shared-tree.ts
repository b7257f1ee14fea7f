/**
 * The second core with the data tree in one place (issue 17 asks whether that pays): node:cluster copies each run a
 * factory (the connection layer: accept, select, read, frame, write) on their share of the connections, and hand
 * every frame to the one process that keeps the server (ZkServer: sessions, data tree, watches), which answers
 * through the copy that holds the connection. Messages go over the cluster's IPC channel (V8 serialization, so
 * payloads and session ids travel as they are), gathered per event-loop turn into one message each way.
 *
 * For measuring, not serving: a handler call in a copy completes once its frame is sent on, so a copy never waits
 * for the server's answer (the server answers in order, as the frames came); four-letter words are not forwarded.
 */
import type { Worker } from 'node:cluster';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import type { RequestHandler, ServerConnection } from '../../spec/server-cnxn-factory.ts';

/** From a copy to the server: a ConnectRequest, a frame, a close. */
type Up =
  | { readonly k: 'connect'; readonly id: string; readonly remote: SocketAddress; readonly payload: Uint8Array }
  | { readonly k: 'packet'; readonly id: string; readonly payload: Uint8Array }
  | { readonly k: 'closed'; readonly id: string; readonly reason: DisconnectReason };

/** From the server to the copy holding the connection: what the server asked of it. */
type Down =
  | { readonly k: 'send'; readonly id: string; readonly frame: Uint8Array }
  | { readonly k: 'session'; readonly id: string; readonly sessionId: bigint; readonly timeoutMs: number }
  | { readonly k: 'closeAfterFlush'; readonly id: string; readonly reason?: DisconnectReason }
  | { readonly k: 'close'; readonly id: string; readonly reason: DisconnectReason }
  | { readonly k: 'recv'; readonly id: string; readonly on: boolean };

/** Gathers messages and sends them as one array after the current turn's work. */
class Batcher<M> {
  private pending: M[] = [];
  constructor(private readonly deliver: (batch: M[]) => void) {}
  push(message: M): void {
    if (this.pending.length === 0) setImmediate(this.flush);
    this.pending.push(message);
  }
  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    this.deliver(batch);
  };
}

/** In a copy: the handler its factory serves. Connections are named `<copy>:<channel id>` on the server's side. */
export function forwardingHandler(): RequestHandler {
  const cnxns = new Map<string, ServerConnection>();
  const up = new Batcher<Up>((batch) => process.send?.(batch));
  process.on('message', (batch: Down[]) => {
    for (const m of batch) {
      const cnxn = cnxns.get(m.id);
      if (cnxn === undefined) continue;
      if (m.k === 'send') void cnxn.send(m.frame);
      else if (m.k === 'session') cnxn.setSession(m.sessionId, m.timeoutMs);
      else if (m.k === 'closeAfterFlush') void cnxn.sendCloseAfterFlush(m.reason);
      else if (m.k === 'close') void cnxn.close(m.reason);
      else void (m.on ? cnxn.enableRecv() : cnxn.disableRecv());
    }
  });
  return {
    async processConnectRequest(cnxn, payload) {
      cnxns.set(cnxn.id, cnxn);
      up.push({ k: 'connect', id: cnxn.id, remote: cnxn.remoteAddress, payload });
    },
    async processPacket(cnxn, payload) {
      up.push({ k: 'packet', id: cnxn.id, payload });
    },
    connectionClosed(cnxn, reason) {
      // Only connections the server heard of are its business.
      if (cnxns.delete(cnxn.id)) up.push({ k: 'closed', id: cnxn.id, reason });
    },
  };
}

/** On the server's side: a connection held by a copy. */
class RemoteConnection implements ServerConnection {
  private sid = 0n;
  private timeout = 0;
  constructor(
    readonly id: string,
    readonly remoteAddress: SocketAddress,
    private readonly down: Batcher<Down>,
    private readonly localId: string,
  ) {}
  sessionId(): bigint {
    return this.sid;
  }
  sessionTimeout(): number {
    return this.timeout;
  }
  setSession(sessionId: bigint, timeoutMs: number): void {
    this.sid = sessionId;
    this.timeout = timeoutMs;
    this.down.push({ k: 'session', id: this.localId, sessionId, timeoutMs });
  }
  async send(frame: Uint8Array): Promise<void> {
    this.down.push({ k: 'send', id: this.localId, frame });
  }
  async sendCloseAfterFlush(reason?: DisconnectReason): Promise<void> {
    this.down.push(reason === undefined ? { k: 'closeAfterFlush', id: this.localId } : { k: 'closeAfterFlush', id: this.localId, reason });
  }
  async close(reason: DisconnectReason): Promise<void> {
    this.down.push({ k: 'close', id: this.localId, reason });
  }
  async disableRecv(): Promise<void> {
    this.down.push({ k: 'recv', id: this.localId, on: false });
  }
  async enableRecv(): Promise<void> {
    this.down.push({ k: 'recv', id: this.localId, on: true });
  }
}

/** In the primary: serves every copy's connections with one handler, each connection's frames in their order. */
export function serveCopies(handler: RequestHandler, copies: readonly Worker[]): void {
  copies.forEach((copy, n) => {
    const down = new Batcher<Down>((batch) => copy.send(batch));
    const cnxns = new Map<string, RemoteConnection>();
    // One chain per copy keeps each connection's frames in order, as a factory hands them on.
    let chain = Promise.resolve();
    const then = (call: () => Promise<void> | void) => {
      chain = chain.then(call).catch((err: unknown) => console.error(`ERROR the server failed on a forwarded call: ${String(err)}`));
    };
    copy.on('message', (batch: Up[]) => {
      for (const m of batch) {
        if (m.k === 'connect') {
          const cnxn = new RemoteConnection(`${n}:${m.id}`, m.remote, down, m.id);
          cnxns.set(m.id, cnxn);
          then(() => handler.processConnectRequest(cnxn, m.payload));
        } else {
          const cnxn = cnxns.get(m.id);
          if (cnxn === undefined) continue;
          if (m.k === 'packet') then(() => handler.processPacket(cnxn, m.payload));
          else {
            cnxns.delete(m.id);
            then(() => handler.connectionClosed(cnxn, m.reason));
          }
        }
      }
    });
  });
}
