/**
 * The client-side counterpart of createFactory: `zookeeper.clientCnxnSocket` selects the reference client's socket
 * implementation, with the same precedence (properties entry, then `ZOOKEEPER_CLIENT_CNXN_SOCKET`, then the
 * default), the same module-path rule and the same `Couldn't instantiate <name>` failure.
 * - `ClientCnxnSocketNIO` (default) or `org.apache.zookeeper.ClientCnxnSocketNIO`;
 * - `ClientCnxnSocketNetty` or `org.apache.zookeeper.ClientCnxnSocketNetty`;
 * - a module path exporting createClientCnxnSocket().
 * Both reference sockets are small length-prefixed framers over node:net; they differ in how they collect frames
 * (the NIO one reads a length, then a body, as ZooKeeper's ClientCnxnSocketNIO does; the Netty-style one feeds
 * every chunk through a frame decoder), which is all a conformance client needs.
 *
 * Implements: factory.client-socket-select.
 */
import net from 'node:net';
import type { SocketAddress } from '../../spec/runtime.ts';
import { frame, FrameSplitter } from '../server/frames.ts';
import {
  findExport,
  importModulePath,
  instantiateError,
  isModulePath,
  resolveName,
  type Environment,
  type Properties,
  type ResolvedName,
} from './load-by-name.ts';

export const CLIENT_CNXN_SOCKET_PROPERTY = 'zookeeper.clientCnxnSocket';
export const CLIENT_CNXN_SOCKET_ENV = 'ZOOKEEPER_CLIENT_CNXN_SOCKET';
export const DEFAULT_CLIENT_CNXN_SOCKET = 'ClientCnxnSocketNIO';

/** A client connection that exchanges whole frames (payloads without their length prefix). */
export interface ClientCnxnSocket {
  readonly name: string;
  connect(address: SocketAddress): Promise<void>;
  sendFrame(payload: Uint8Array): Promise<void>;
  /** The next frame's payload, or null once the server has closed. */
  receiveFrame(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** The shared socket plumbing; subclasses decide how received bytes become frames. */
abstract class StreamClientSocket implements ClientCnxnSocket {
  abstract readonly name: string;
  private socket: net.Socket | undefined;
  private readonly frames: Uint8Array[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;

  protected abstract decode(chunk: Buffer): Uint8Array[];

  connect(address: SocketAddress): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.host, port: address.port, noDelay: true });
      this.socket = socket;
      socket.once('connect', resolve);
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        this.frames.push(...this.decode(chunk));
        this.wake();
      });
      socket.on('close', () => {
        this.ended = true;
        this.wake();
      });
    });
  }

  async sendFrame(payload: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) throw new Error(`${this.name}: connect() first`);
    await new Promise<void>((resolve, reject) => socket.write(frame(payload), (err) => (err ? reject(err) : resolve())));
  }

  async receiveFrame(): Promise<Uint8Array | null> {
    while (this.frames.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.waiting = resolve));
    return this.frames.shift() ?? null;
  }

  async close(): Promise<void> {
    this.socket?.destroy();
  }

  private wake(): void {
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.();
  }
}

/** Reads the 4-byte length, then exactly that many body bytes, then the next length. */
export class ClientCnxnSocketNIO extends StreamClientSocket {
  readonly name = 'ClientCnxnSocketNIO';
  private pending: Buffer = Buffer.alloc(0);

  protected decode(chunk: Buffer): Uint8Array[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Uint8Array[] = [];
    while (this.pending.length >= 4) {
      const len = this.pending.readInt32BE(0);
      if (this.pending.length < 4 + len) break;
      out.push(new Uint8Array(this.pending.subarray(4, 4 + len)));
      this.pending = this.pending.subarray(4 + len);
    }
    return out;
  }
}

/** Feeds every chunk through a length-field frame decoder, as a Netty pipeline would. */
export class ClientCnxnSocketNetty extends StreamClientSocket {
  readonly name = 'ClientCnxnSocketNetty';
  private readonly decoder = new FrameSplitter();

  protected decode(chunk: Buffer): Uint8Array[] {
    return this.decoder.push(chunk);
  }
}

const BUILTIN: Readonly<Record<string, () => ClientCnxnSocket>> = {
  ClientCnxnSocketNIO: () => new ClientCnxnSocketNIO(),
  'org.apache.zookeeper.ClientCnxnSocketNIO': () => new ClientCnxnSocketNIO(),
  ClientCnxnSocketNetty: () => new ClientCnxnSocketNetty(),
  'org.apache.zookeeper.ClientCnxnSocketNetty': () => new ClientCnxnSocketNetty(),
};

export interface ClientSocketOptions {
  readonly properties?: Properties;
  /** Default: the process environment; pass {} to ignore it. */
  readonly env?: Environment;
  readonly baseDir?: string;
}

export function resolveClientSocketName(options: ClientSocketOptions = {}): ResolvedName {
  return resolveName(CLIENT_CNXN_SOCKET_PROPERTY, CLIENT_CNXN_SOCKET_ENV, DEFAULT_CLIENT_CNXN_SOCKET, options.properties, options.env ?? process.env);
}

/** Resolves `zookeeper.clientCnxnSocket` and instantiates the chosen client socket. Implements: factory.client-socket-select. */
export async function createClientCnxnSocket(options: ClientSocketOptions = {}): Promise<ClientCnxnSocket> {
  const { name } = resolveClientSocketName(options);
  const builtin = BUILTIN[name];
  if (builtin !== undefined) return builtin();
  if (!isModulePath(name)) {
    throw instantiateError(
      name,
      new Error('not a registered client socket name and not a module path'),
      `Set ${CLIENT_CNXN_SOCKET_PROPERTY} to one of ${Object.keys(BUILTIN).join(', ')}, or to the path of a module that exports createClientCnxnSocket()`,
    );
  }
  let create: unknown;
  try {
    create = findExport(await importModulePath(name, options.baseDir ?? process.cwd()), 'createClientCnxnSocket');
  } catch (err) {
    throw instantiateError(name, err, 'Check that the module exists and loads');
  }
  if (typeof create !== 'function') {
    throw instantiateError(name, new Error('the module does not export a createClientCnxnSocket function'), 'Export createClientCnxnSocket() from it');
  }
  try {
    return (await (create as () => ClientCnxnSocket | Promise<ClientCnxnSocket>)()) as ClientCnxnSocket;
  } catch (err) {
    throw instantiateError(name, err, 'The client socket threw while being constructed; see the cause');
  }
}
