/**
 * Promises made per ping by the reference server (issue 17): a figure the machine's load cannot move, for work on
 * the hot path between side-by-side runs (bench/hot-path.ts), whose CPU figures a busy machine blurs.
 *
 * Why promises: with tracing off, the node runtime carries the current logical thread through V8's promise hooks
 * (reference/runtime/node/promise-thread-store.ts). While any hook is installed, every promise costs a call into
 * each hook, and every `await` makes a throwaway promise it would otherwise skip; on this machine that was about a
 * quarter of the server's CPU per ping (bench/report/where-the-time-goes.md). So one promise fewer per request is
 * a saving that shows here exactly, whatever else runs.
 *
 * The server (ZkServer on the chosen reference factory, tracing off, as `cnxnspec serve` runs it) and the clients
 * (plain node:net sockets with callbacks, which make no promises) share this process; `clients` sessions each keep
 * `inflight` pings outstanding. After a warm-up, it counts the promises made over `pings` replies and, with
 * --sites, where they were made (the two innermost frames of each promise's creation, counted over 5,000 replies).
 *
 *     npx tsx bench/promises-per-request.ts [--factory nio|netty] [--clients 20] [--inflight 10] [--pings 50000] [--sites]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { promiseHooks } from 'node:v8';
import { createFactory as createNettyFactory } from '../reference/netty/netty-server-cnxn-factory.ts';
import { createFactory as createNioFactory } from '../reference/nio/nio-server-cnxn-factory.ts';
import { createNodeRuntime } from '../reference/runtime/node/index.ts';
import { ZkServer } from '../reference/zk/zk-server.ts';
import { CONNECT_FRAME, FrameCounter, pings } from './load/wire.ts';

const { values } = parseArgs({
  options: {
    factory: { type: 'string', default: 'nio' },
    clients: { type: 'string', default: '20' },
    inflight: { type: 'string', default: '10' },
    pings: { type: 'string', default: '50000' },
    sites: { type: 'boolean', default: false },
  },
});

function positive(name: string): number {
  const value = Number(values[name as keyof typeof values]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer, got ${String(values[name as keyof typeof values])}`);
  return value;
}
if (values.factory !== 'nio' && values.factory !== 'netty') throw new Error(`--factory must be nio or netty, got ${values.factory}`);
const clients = positive('clients');
const inflight = positive('inflight');
const measured = positive('pings');
const SITE_REPLIES = 5_000;
const WARM_UP_REPLIES = 20_000;

const runtime = createNodeRuntime({ logger: { log: () => {} } });
const server = new ZkServer(runtime, {});
const factory = (values.factory === 'netty' ? createNettyFactory : createNioFactory)(runtime, { sessionlessCnxnTimeout: 10_000 });
let port = 0;
await runtime.runAs('main', async () => {
  await factory.configure({ host: '127.0.0.1', port: 0 }, 0, -1, false);
  await factory.startup(server);
  port = factory.localAddress()?.port ?? 0;
});

let promises = 0;
let sampling = false;
const sites = new Map<string, number>();
/** Two frames: the function that made the promise and the line, then its caller (files without their folders). */
function site(): string {
  // Below the message: this function, the hook, node's hook dispatcher, then the two frames wanted.
  const lines = (new Error().stack ?? '').split('\n').slice(4, 6);
  return lines.map((line) => line.trim().replace(/^at /, '').replace(/\(.*\/([^/]+:\d+):\d+\)$/, '($1)')).join(' < ');
}
const counter = promiseHooks.createHook({
  init() {
    promises++;
    if (!sampling) return;
    const where = site();
    sites.set(where, (sites.get(where) ?? 0) + 1);
  },
});

let replies = 0;
let waiter: { readonly at: number; readonly done: () => void } | undefined;
const sockets: net.Socket[] = [];
for (let c = 0; c < clients; c++) {
  const socket = net.connect(port, '127.0.0.1');
  const frames = new FrameCounter();
  let sessionOpen = false;
  socket.on('connect', () => socket.write(CONNECT_FRAME));
  socket.on('error', (err) => {
    console.error(`client ${c}: ${err.message}`);
    process.exit(1);
  });
  socket.on('data', (chunk) => {
    const n = frames.push(chunk);
    if (n === 0) return;
    if (!sessionOpen) {
      sessionOpen = true;
      socket.write(pings(inflight));
      return;
    }
    replies += n;
    if (waiter !== undefined && replies >= waiter.at) {
      const w = waiter;
      waiter = undefined;
      w.done();
    }
    socket.write(pings(n));
  });
  sockets.push(socket);
}
const until = (at: number) => new Promise<void>((done) => (waiter = { at, done }));

await until(WARM_UP_REPLIES);
const p0 = promises;
const r0 = replies;
const cpu0 = process.cpuUsage();
await until(r0 + measured);
const cpu = process.cpuUsage(cpu0);
const n = replies - r0;
console.log(
  `${values.factory}: ${((promises - p0) / n).toFixed(2)} promises per ping over ${n} replies ` +
    `(${clients} sessions x ${inflight} in flight); process CPU ${((cpu.user + cpu.system) / n).toFixed(2)} µs per ping, clients included`,
);
if (values.sites) {
  Error.stackTraceLimit = 6;
  sampling = true;
  const s0 = replies;
  await until(s0 + SITE_REPLIES);
  sampling = false;
  const per = replies - s0;
  console.log('promises per ping by where they were made:');
  for (const [where, count] of [...sites].sort((a, b) => b[1] - a[1])) {
    if (count / per >= 0.05) console.log(`${(count / per).toFixed(2).padStart(6)}  ${where}`);
  }
}
counter();
for (const socket of sockets) socket.destroy();
await runtime.runAs('main', () => factory.shutdown());
await runtime.dispose();
