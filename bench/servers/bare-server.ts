/**
 * The floor: a bare node:net server doing the same framing as the factories (4-byte length prefix, first frame a
 * ConnectRequest, then requests) and serving the same handler, with nothing else: no selector emulation, no
 * threads, no expiry queue. A socket that has not completed its handshake is closed after `sessionlessMs` of
 * silence (node's own socket timeout), so the idle-socket phase has something to compare with. Frames of one
 * connection are handled strictly one after another, as a factory does.
 */
import net from 'node:net';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { RequestHandler, ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { FrameSplitter } from '../../reference/server/frames.ts';

/** A ServerConnection over a plain net.Socket. */
class NetConnection implements ServerConnection {
  readonly id: string;
  readonly remoteAddress: { host: string; port: number };
  private sid = 0n;
  private timeout = 0;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly handler: RequestHandler,
    n: number,
  ) {
    this.id = `bare${n}`;
    this.remoteAddress = { host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 };
  }

  sessionId(): bigint {
    return this.sid;
  }
  sessionTimeout(): number {
    return this.timeout;
  }
  setSession(id: bigint, timeout: number): void {
    this.sid = id;
    this.timeout = timeout;
    // A session exists: the handshake timer no longer applies.
    this.socket.setTimeout(0);
  }
  async send(bytes: Uint8Array): Promise<void> {
    this.socket.write(bytes);
  }
  async sendCloseAfterFlush(): Promise<void> {
    this.socket.end();
  }
  async close(reason: DisconnectReason): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.handler.connectionClosed(this, reason);
  }
  async disableRecv(): Promise<void> {
    this.socket.pause();
  }
  async enableRecv(): Promise<void> {
    this.socket.resume();
  }
}

export async function serveBare(handler: RequestHandler, backlog: number, sessionlessMs: number): Promise<number> {
  let n = 0;
  const server = net.createServer({ noDelay: true }, (socket) => {
    const cnxn = new NetConnection(socket, handler, n++);
    const splitter = new FrameSplitter();
    let initialized = false;
    let chain = Promise.resolve();
    socket.setTimeout(sessionlessMs, () => void cnxn.close('connection_expired'));
    socket.on('data', (chunk) => {
      let payloads: Uint8Array[];
      try {
        payloads = splitter.push(chunk);
      } catch {
        void cnxn.close('io_exception');
        return;
      }
      for (const payload of payloads) {
        chain = chain.then(async () => {
          if (!initialized) {
            initialized = true;
            await handler.processConnectRequest(cnxn, payload);
          } else {
            await handler.processPacket(cnxn, payload);
          }
        });
      }
    });
    socket.on('error', () => void cnxn.close('io_exception'));
    socket.on('close', () => void cnxn.close('unable_to_read_from_client'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, ...(backlog > 0 ? { backlog } : {}) }, resolve);
  });
  return (server.address() as net.AddressInfo).port;
}
