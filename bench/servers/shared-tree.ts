/**
 * The second core with the data tree in one place (issue 17 asks whether that pays): node:cluster copies each run a
 * factory (the connection layer: accept, select, read, frame, write) on their share of the connections, and hand
 * every frame to the one process that keeps the server (ZkServer: sessions, data tree, watches), which answers
 * through the copy that holds the connection. Messages go over the cluster's IPC channel, gathered per event-loop
 * turn into one binary buffer each way.
 *
 * For measuring, not serving: a handler call in a copy completes once its frame is sent on, so a copy never waits
 * for the server's answer (the server answers in order, as the frames came); four-letter words are not forwarded.
 */
import type { Worker } from 'node:cluster';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import type { RequestHandler, ServerConnection } from '../../spec/server-cnxn-factory.ts';

/**
 * One turn's messages in one binary buffer each way: a kind byte, the connection's id, then the kind's fields.
 * Packed by hand, not as objects, because serializing an object per frame cost more than the frame's own work.
 */
const enum Kind {
  Connect = 1,
  Packet,
  Closed,
  Send,
  Session,
  CloseAfterFlush,
  Close,
  Recv,
}

class BatchWriter {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private at = 0;
  private scheduled = false;
  constructor(private readonly deliver: (batch: Uint8Array) => void) {}

  kind(kind: Kind, id: string): this {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return this.u8(kind).str(id);
  }
  u8(value: number): this {
    this.room(1);
    this.bytes[this.at++] = value;
    return this;
  }
  u32(value: number): this {
    this.room(4);
    this.at = this.bytes.writeUInt32BE(value, this.at);
    return this;
  }
  i64(value: bigint): this {
    this.room(8);
    this.at = this.bytes.writeBigInt64BE(value, this.at);
    return this;
  }
  str(value: string): this {
    this.room(2 + value.length * 3);
    const length = this.bytes.write(value, this.at + 2, 'utf8');
    this.bytes.writeUInt16BE(length, this.at);
    this.at += 2 + length;
    return this;
  }
  raw(value: Uint8Array): this {
    this.u32(value.length).room(value.length);
    this.bytes.set(value, this.at);
    this.at += value.length;
    return this;
  }
  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
  private readonly flush = (): void => {
    this.scheduled = false;
    const batch = Buffer.from(this.bytes.subarray(0, this.at));
    this.at = 0;
    this.deliver(batch);
  };
}

class BatchReader {
  private at = 0;
  private readonly bytes: Buffer;
  constructor(batch: Uint8Array) {
    this.bytes = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  }
  more(): boolean {
    return this.at < this.bytes.length;
  }
  u8(): number {
    return this.bytes[this.at++] as number;
  }
  u32(): number {
    const value = this.bytes.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }
  i64(): bigint {
    const value = this.bytes.readBigInt64BE(this.at);
    this.at += 8;
    return value;
  }
  str(): string {
    const length = this.bytes.readUInt16BE(this.at);
    const value = this.bytes.toString('utf8', this.at + 2, this.at + 2 + length);
    this.at += 2 + length;
    return value;
  }
  raw(): Uint8Array {
    const length = this.u32();
    const value = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return value;
  }
}

/** In a copy: the handler its factory serves. */
export function forwardingHandler(): RequestHandler {
  const cnxns = new Map<string, ServerConnection>();
  const up = new BatchWriter((batch) => process.send?.(batch));
  process.on('message', (batch: Uint8Array) => {
    if (!(batch instanceof Uint8Array)) return;
    const r = new BatchReader(batch);
    while (r.more()) {
      const kind = r.u8() as Kind;
      const cnxn = cnxns.get(r.str());
      if (kind === Kind.Send) {
        const frame = r.raw();
        void cnxn?.send(frame);
      } else if (kind === Kind.Session) {
        const sessionId = r.i64();
        const timeoutMs = r.u32();
        cnxn?.setSession(sessionId, timeoutMs);
      } else if (kind === Kind.CloseAfterFlush) {
        const reason = r.str();
        void cnxn?.sendCloseAfterFlush(reason === '' ? undefined : (reason as DisconnectReason));
      } else if (kind === Kind.Close) {
        const reason = r.str() as DisconnectReason;
        void cnxn?.close(reason);
      } else if (kind === Kind.Recv) {
        const on = r.u8() === 1;
        void (on ? cnxn?.enableRecv() : cnxn?.disableRecv());
      } else throw new Error(`shared-tree: unknown message kind ${kind} from the server`);
    }
  });
  return {
    async processConnectRequest(cnxn, payload) {
      cnxns.set(cnxn.id, cnxn);
      up.kind(Kind.Connect, cnxn.id).str(cnxn.remoteAddress.host).u32(cnxn.remoteAddress.port).raw(payload);
    },
    async processPacket(cnxn, payload) {
      up.kind(Kind.Packet, cnxn.id).raw(payload);
    },
    connectionClosed(cnxn, reason) {
      // Only connections the server heard of are its business.
      if (cnxns.delete(cnxn.id)) up.kind(Kind.Closed, cnxn.id).str(reason);
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
    private readonly down: BatchWriter,
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
    this.down.kind(Kind.Session, this.localId).i64(sessionId).u32(timeoutMs);
  }
  async send(frame: Uint8Array): Promise<void> {
    this.down.kind(Kind.Send, this.localId).raw(frame);
  }
  async sendCloseAfterFlush(reason?: DisconnectReason): Promise<void> {
    this.down.kind(Kind.CloseAfterFlush, this.localId).str(reason ?? '');
  }
  async close(reason: DisconnectReason): Promise<void> {
    this.down.kind(Kind.Close, this.localId).str(reason);
  }
  async disableRecv(): Promise<void> {
    this.down.kind(Kind.Recv, this.localId).u8(0);
  }
  async enableRecv(): Promise<void> {
    this.down.kind(Kind.Recv, this.localId).u8(1);
  }
}

/** In the primary: serves every copy's connections with one handler, each connection's frames in their order. */
export function serveCopies(handler: RequestHandler, copies: readonly Worker[]): void {
  copies.forEach((copy, n) => {
    const down = new BatchWriter((batch) => copy.send(batch));
    const cnxns = new Map<string, RemoteConnection>();
    // One chain per copy keeps each connection's frames in order, as a factory hands them on.
    let chain = Promise.resolve();
    const then = (call: () => Promise<void> | void) => {
      chain = chain.then(call).catch((err: unknown) => console.error(`ERROR the server failed on a forwarded call: ${String(err)}`));
    };
    copy.on('message', (batch: Uint8Array) => {
      if (!(batch instanceof Uint8Array)) return;
      const r = new BatchReader(batch);
      while (r.more()) {
        const kind = r.u8() as Kind;
        const id = r.str();
        if (kind === Kind.Connect) {
          const host = r.str();
          const port = r.u32();
          const payload = r.raw();
          const cnxn = new RemoteConnection(`${n}:${id}`, { host, port }, down, id);
          cnxns.set(id, cnxn);
          then(() => handler.processConnectRequest(cnxn, payload));
        } else if (kind === Kind.Packet) {
          const payload = r.raw();
          const cnxn = cnxns.get(id);
          if (cnxn !== undefined) then(() => handler.processPacket(cnxn, payload));
        } else if (kind === Kind.Closed) {
          const reason = r.str() as DisconnectReason;
          const cnxn = cnxns.get(id);
          cnxns.delete(id);
          if (cnxn !== undefined) then(() => handler.connectionClosed(cnxn, reason));
        } else throw new Error(`shared-tree: unknown message kind ${kind} from copy ${n}`);
      }
    });
  });
}
