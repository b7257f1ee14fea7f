/**
 * Echo benchmark: the node host runtime against bare node:net, on the same loopback load.
 *
 *   npx tsx bench/node-runtime-echo.ts [--connections 5000] [--messages 20] [--size 64] [--batch 250]
 *
 * Each phase starts a server in this process and a client process (this file with --client) that opens
 * `connections` sockets, then has each send `messages` framed messages (4-byte length + payload) one at a time,
 * awaiting each echo. The client runs in its own process so that the server phase measures the server.
 * (a) runtime: an accept thread and a selector thread doing all reads and writes through the emulated selector.
 * (b) bare: net.createServer with socket.write(data) in the data handler.
 * Prints progress lines per phase, messages/s for each, and the ratio. Results go to stdout only.
 * Each side holds one descriptor per connection: 2 x connections must stay under `ulimit -n`; on EMFILE, lower --connections.
 */

import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { OP_ACCEPT, OP_READ, OP_WRITE, type SelectionKey, type SocketChannel } from '../spec/runtime.ts';
import { createNodeRuntime } from '../reference/runtime/node/index.ts';

interface Options {
  readonly connections: number;
  readonly messages: number;
  readonly size: number;
  readonly batch: number;
}

type ClientReport =
  | { readonly kind: 'progress'; readonly line: string }
  | { readonly kind: 'done'; readonly messages: number; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: string };

const BUDGET_MS = 60_000;

function flag(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer, got ${args[at + 1]}`);
  return value;
}

function parse(args: readonly string[]): Options {
  return {
    connections: flag(args, 'connections', 5000),
    messages: flag(args, 'messages', 20),
    size: flag(args, 'size', 64),
    batch: flag(args, 'batch', 250),
  };
}

// ---------------------------------------------------------------- client process

async function runClient(port: number, options: Options): Promise<void> {
  const report = (message: ClientReport) => process.send?.(message);
  const frame = Buffer.alloc(4 + options.size, 0x5a);
  frame.writeUInt32BE(options.size, 0);
  const sockets: net.Socket[] = [];
  try {
    for (let opened = 0; opened < options.connections; ) {
      const batch = Math.min(options.batch, options.connections - opened);
      const connecting = Array.from({ length: batch }, () => {
        const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
        sockets.push(socket);
        return new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('error', reject);
        });
      });
      await Promise.all(connecting);
      opened += batch;
      if (opened % 1000 === 0 || opened === options.connections) report({ kind: 'progress', line: `connected ${opened}/${options.connections}` });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EMFILE' || code === 'ENFILE' ? ' (descriptor limit: lower --connections)' : '';
    report({ kind: 'failed', error: `connect failed: ${(error as Error).message}${hint}` });
    for (const socket of sockets) socket.destroy();
    return;
  }
  const started = performance.now();
  let finished = 0;
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          let received = 0;
          let sent = 0;
          socket.on('error', reject);
          socket.on('data', (data: Buffer) => {
            received += data.length;
            if (received < sent * frame.length) return;
            if (sent === options.messages) {
              finished++;
              if (finished % 1000 === 0) report({ kind: 'progress', line: `connections done ${finished}/${options.connections}` });
              resolve();
              return;
            }
            sent++;
            socket.write(frame);
          });
          sent = 1;
          socket.write(frame);
        }),
    ),
  );
  const ms = performance.now() - started;
  for (const socket of sockets) socket.destroy();
  report({ kind: 'done', messages: options.connections * options.messages, ms });
}

// ---------------------------------------------------------------- servers

interface Server {
  readonly port: number;
  stop(): Promise<void>;
}

/** (a) An echo server on the runtime: AcceptThread hands channels to SelectorThread-0, which does all IO. */
async function runtimeEchoServer(): Promise<Server> {
  const rt = createNodeRuntime();
  const listener = await rt.openServerSocket();
  listener.setReuseAddress(true);
  await listener.bind({ host: '127.0.0.1', port: 0 }, 1024);
  const acceptSelector = await rt.openSelector();
  await listener.register(acceptSelector, OP_ACCEPT);
  const selector = await rt.openSelector();
  const accepted = rt.newQueue<SocketChannel>('acceptedQueue@SelectorThread-0');
  let stopping = false;

  const acceptThread = rt.thread('AcceptThread', async () => {
    while (!stopping) {
      await acceptSelector.select();
      for (;;) {
        const channel = await listener.accept().catch((error: unknown) => {
          rt.log.log('warn', `accept failed: ${(error as Error).message}`);
          return null;
        });
        if (!channel) break;
        await accepted.offer(channel);
        await selector.wakeup();
      }
    }
  });

  const buffer = new Uint8Array(64 * 1024);
  const handle = async (key: SelectionKey): Promise<void> => {
    const channel = key.channel as SocketChannel;
    if (key.readyOps() & OP_WRITE) {
      const pending = key.attachment() as Uint8Array;
      const n = await channel.write(pending);
      if (n < pending.length) {
        key.attach(pending.subarray(n));
        return;
      }
      key.attach(undefined);
      await key.setInterestOps(OP_READ);
      return;
    }
    const n = await channel.read(buffer);
    if (n < 0) {
      await channel.close('client_closed_connection');
      return;
    }
    if (n === 0) return;
    const written = await channel.write(buffer.subarray(0, n));
    if (written < n) {
      // The rest waits for room: stop reading this connection until it has been sent.
      key.attach(buffer.slice(written, n));
      await key.setInterestOps(OP_WRITE);
    }
  };

  const selectorThread = rt.thread('SelectorThread-0', async () => {
    const open = new Set<SocketChannel>();
    while (!stopping) {
      const ready = await selector.select();
      for (const key of ready) {
        await handle(key).catch(async () => {
          open.delete(key.channel as SocketChannel);
          await (key.channel as SocketChannel).close('io_exception');
        });
      }
      for (let channel = await accepted.poll(); channel; channel = await accepted.poll()) {
        open.add(channel);
        await channel.register(selector, OP_READ);
      }
    }
    for (const channel of open) await channel.close('server_shutdown');
  });

  acceptThread.start();
  selectorThread.start();
  return {
    port: listener.localAddress()!.port,
    async stop() {
      stopping = true;
      acceptThread.interrupt();
      await selector.wakeup();
      await Promise.all([acceptThread.join(), selectorThread.join()]);
      await listener.close();
      await acceptSelector.close();
      await selector.close();
      await rt.dispose();
    },
  };
}

/** (b) The same echo on bare node:net. */
async function bareEchoServer(): Promise<Server> {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('data', (data) => socket.write(data));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async stop() {
      server.close();
    },
  };
}

// ---------------------------------------------------------------- driver

function clientPhase(label: string, port: number, options: Options): Promise<{ messages: number; ms: number }> {
  const args = ['--client', String(port), '--connections', String(options.connections), '--messages', String(options.messages)];
  args.push('--size', String(options.size), '--batch', String(options.batch));
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), args, { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (message: ClientReport) => {
      if (message.kind === 'progress') console.log(`[${label}] ${message.line}`);
      else if (message.kind === 'done') resolve(message);
      else reject(new Error(`[${label}] ${message.error}`));
    });
    child.on('exit', (code) => reject(new Error(`[${label}] client process exited (${code}) before reporting`)));
  });
}

async function phase(label: string, start: () => Promise<Server>, options: Options): Promise<number> {
  const server = await start();
  console.log(`[${label}] listening on 127.0.0.1:${server.port}`);
  try {
    const { messages, ms } = await clientPhase(label, server.port, options);
    const rate = (messages / ms) * 1000;
    console.log(`[${label}] ${messages} messages in ${ms.toFixed(0)} ms: ${rate.toFixed(0)} messages/s`);
    return rate;
  } finally {
    await server.stop();
    console.log(`[${label}] stopped`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const options = parse(args);
  if (args[0] === '--client') {
    await runClient(Number(args[1]), options);
    process.exit(0);
  }
  const budget = setTimeout(() => {
    console.log(`bench exceeded its ${BUDGET_MS / 1000} s budget; lower --connections or --messages`);
    process.exit(1);
  }, BUDGET_MS);
  budget.unref();
  console.log(
    `node-runtime-echo: ${options.connections} connections x ${options.messages} messages of ${options.size} + 4 bytes, node ${process.version}`,
  );
  const runtime = await phase('a runtime', runtimeEchoServer, options);
  const bare = await phase('b bare net', bareEchoServer, options);
  console.log(`runtime ${runtime.toFixed(0)} messages/s, bare ${bare.toFixed(0)} messages/s, runtime/bare = ${(runtime / bare).toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.log(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
