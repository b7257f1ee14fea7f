/**
 * Benchmark: the reference NIO factory on the node runtime against a bare node:net server doing the same framing
 * (both serve the same EchoHandler), on loopback, in one run:
 * - a handshake storm: N clients (default 5,000) connect at once; time until every ConnectResponse has arrived;
 * - pings/s: 50 sessions with 10 pings in flight each, for about 5 s.
 * Each server runs in its own child process (a fresh one per repetition) so that it has an event loop to itself
 * and this process is only the load generator. Prints progress lines, then medians of 3 and the ratios.
 *
 *     npx tsx bench/nio-storm.ts [--reps 3] [--clients 5000] [--ping-seconds 5] [--backlog -1] [--workers M] [--selectors N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { DisconnectReason } from '../spec/disconnect-reasons.ts';
import type { ServerConnection } from '../spec/server-cnxn-factory.ts';
import { NIOServerCnxnFactory } from '../reference/nio/nio-server-cnxn-factory.ts';
import { createNodeRuntime } from '../reference/runtime/node/index.ts';
import { EchoHandler } from '../reference/server/echo-handler.ts';
import { encodeConnectRequest, frame, FrameSplitter, pingFrame } from '../reference/server/frames.ts';

type ServerKind = 'nio' | 'bare';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

// ---- servers (child process side) -------------------------------------------------------------------------

/** A ServerConnection over a plain net.Socket: what the bare server gives the same EchoHandler. */
class NetConnection implements ServerConnection {
  readonly id: string;
  readonly remoteAddress: { host: string; port: number };
  private sid = 0n;
  private timeout = 10_000;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly handler: EchoHandler,
    n: number,
  ) {
    this.id = `ch${n}`;
    this.remoteAddress = { host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 };
  }
  sessionId(): bigint { return this.sid; }
  sessionTimeout(): number { return this.timeout; }
  setSession(id: bigint, timeout: number): void {
    this.sid = id;
    this.timeout = timeout;
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
  async disableRecv(): Promise<void> { this.socket.pause(); }
  async enableRecv(): Promise<void> { this.socket.resume(); }
}

async function serveBare(backlog: number): Promise<number> {
  const handler = new EchoHandler();
  let n = 0;
  const server = net.createServer({ noDelay: true }, (socket) => {
    const cnxn = new NetConnection(socket, handler, n++);
    const splitter = new FrameSplitter();
    let initialized = false;
    // Frames are handled strictly one after another, as the factory does per connection.
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      for (const payload of splitter.push(chunk)) {
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
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, ...(backlog > 0 ? { backlog } : {}) }, resolve));
  return (server.address() as net.AddressInfo).port;
}

async function serveNio(backlog: number): Promise<number> {
  const runtime = createNodeRuntime({ logger: { log: (level, msg) => level === 'error' && console.error(msg) } });
  const workers = option('workers', -1);
  const selectors = option('selectors', -1);
  const factory = new NIOServerCnxnFactory(runtime, {
    ...(workers >= 0 ? { numWorkerThreads: workers } : {}),
    ...(selectors > 0 ? { numSelectorThreads: selectors } : {}),
  });
  await runtime.runAs('main', async () => {
    await factory.configure({ host: '127.0.0.1', port: 0 }, 0, backlog, false);
    await factory.startup(new EchoHandler());
  });
  return factory.localAddress()?.port as number;
}

async function serve(kind: ServerKind): Promise<void> {
  const backlog = option('backlog', -1);
  const port = kind === 'nio' ? await serveNio(backlog) : await serveBare(backlog);
  process.stdout.write(`PORT ${port}\n`);
  // Ends when the parent closes our stdin.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

// ---- load generator (parent side) -------------------------------------------------------------------------

const CONNECT = frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false }));
const PING = pingFrame();

async function startServer(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
  const self = fileURLToPath(import.meta.url);
  const passOn = ['backlog', 'workers', 'selectors'].flatMap((name) => [`--${name}`, String(option(name, -1))]);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--serve', kind, ...passOn], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  await exited;
}

/** Opens one client, sends the ConnectRequest, resolves once the ConnectResponse has arrived. */
function handshakeClient(port: number, sockets: net.Socket[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => socket.write(CONNECT));
    sockets.push(socket);
    const splitter = new FrameSplitter();
    socket.on('data', (chunk) => {
      if (splitter.push(chunk).length > 0) resolve();
    });
    socket.on('error', reject);
  });
}

async function storm(port: number, clients: number): Promise<number> {
  const sockets: net.Socket[] = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, () => handshakeClient(port, sockets)));
  const ms = performance.now() - start;
  for (const s of sockets) s.destroy();
  return ms;
}

async function pings(port: number, sessions: number, inFlight: number, seconds: number): Promise<number> {
  const sockets: net.Socket[] = [];
  let counting = false;
  let answered = 0;
  await Promise.all(
    Array.from({ length: sessions }, () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => socket.write(CONNECT));
        sockets.push(socket);
        const splitter = new FrameSplitter();
        let connected = false;
        socket.on('data', (chunk) => {
          for (const _ of splitter.push(chunk)) {
            if (!connected) {
              connected = true;
              socket.write(Buffer.concat(Array.from({ length: inFlight }, () => PING)));
              resolve();
              continue;
            }
            if (counting) answered++;
            socket.write(PING);
          }
        });
        socket.on('error', reject);
      }),
    ),
  );
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  counting = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const rate = answered / ((performance.now() - start) / 1000);
  for (const s of sockets) s.destroy();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const reps = option('reps', 3);
  const clients = option('clients', 5000);
  const seconds = option('ping-seconds', 5);
  const results: Record<ServerKind, { storm: number[]; pings: number[] }> = { nio: { storm: [], pings: [] }, bare: { storm: [], pings: [] } };
  console.log(`nio-storm: ${reps} repetitions, storm of ${clients} clients, 50 sessions x 10 pings in flight for ${seconds} s, backlog ${option('backlog', -1)}`);
  for (let rep = 1; rep <= reps; rep++) {
    for (const kind of ['nio', 'bare'] as const) {
      const { child, port } = await startServer(kind);
      try {
        const ms = await storm(port, clients);
        results[kind].storm.push(ms);
        const rate = await pings(port, 50, 10, seconds);
        results[kind].pings.push(rate);
        console.log(`rep ${rep}/${reps} ${kind.padEnd(4)}: storm ${clients} handshakes in ${ms.toFixed(0)} ms; ${(rate / 1000).toFixed(1)}k pings/s`);
      } finally {
        await stopServer(child);
      }
    }
  }
  const nio = { storm: median(results.nio.storm), pings: median(results.nio.pings) };
  const bare = { storm: median(results.bare.storm), pings: median(results.bare.pings) };
  console.log('');
  console.log(`median of ${reps}            NIO factory   bare node:net   NIO / bare`);
  console.log(`storm ${clients} (ms)       ${nio.storm.toFixed(0).padStart(11)}   ${bare.storm.toFixed(0).padStart(13)}   ${(nio.storm / bare.storm).toFixed(2).padStart(10)}`);
  console.log(`pings/s               ${nio.pings.toFixed(0).padStart(11)}   ${bare.pings.toFixed(0).padStart(13)}   ${(nio.pings / bare.pings).toFixed(2).padStart(10)}`);
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1] as ServerKind);
else await main();
