/**
 * The thread `cnxnspec serve` runs the server on: a worker thread whose young generation is capped, while the
 * main thread only reads the config, catches SIGINT and SIGTERM and passes them on.
 *
 * Why a capped young generation: V8 grows a process's semi-spaces up to 16 MiB each when many objects survive
 * scavenges, as the state of thousands of sessions opened at once does, and the pages it has touched stay resident.
 * Measured with `bench/hot-path.ts --phases pings,held,storm` (5,000 sessions opened at once and held, 5
 * repetitions, servers alternating): RSS per held session 9.9 KiB with 16 MiB semi-spaces, 7.1 KiB with 8 MiB,
 * with pings/s (1.03x), their p99 (0.98x) and the 10,000-client storm's time (0.97x) unchanged; 4 MiB gave 6.1
 * KiB but made the storm 1.26x slower (docs/benchmarks.md).
 *
 * Why a worker thread: V8 sizes an isolate's heap when the isolate is made, so a running process cannot change its
 * own semi-spaces; the only ways are the node flag --max-semi-space-size, which would need a second process
 * wherever the command is started (the published bin runs the CLI in its own process), or a worker thread's
 * resource limits. A node flag given to the process still wins over the limit here, so
 * `node --max-semi-space-size=16 .../cnxnspec serve` runs with V8's usual sizes.
 */

import { EventEmitter } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, resourceLimits, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { consoleLogger, nextSignal, serve, shutdownOnSignal, type StopSignal } from '../../reference/boot/serve.ts';
import { parseZooCfg } from '../../reference/boot/zoo-cfg.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import { CnxnspecError, ERROR_CODES, type ErrorCode } from '../../spec/errors.ts';

/** The semi-space size of the server's heap, in MiB (V8's default maximum on 64-bit machines is 16). */
export const SERVE_SEMI_SPACE_MIB = 8;

/**
 * The same cap as a node flag, for servers started as processes of their own (bench/servers/catalog.ts), so that
 * what the benchmarks measure is what `cnxnspec serve` runs.
 */
export const SERVE_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SERVE_SEMI_SPACE_MIB}`];

/**
 * A worker's young generation is its two semi-spaces and a new large-object space of the same size, so a limit of
 * 3 x the semi-space gives semi-spaces of SERVE_SEMI_SPACE_MIB (checked in serve-thread.test.ts).
 */
export const SERVE_YOUNG_GENERATION_MIB = 3 * SERVE_SEMI_SPACE_MIB;

/** What the server thread needs: the config as the main thread read it, and the command's flags. */
export interface ServeRequest {
  readonly kind: 'cnxnspec-serve';
  readonly configText: string;
  readonly configPath: string;
  readonly baseDir: string;
  readonly port?: number;
  readonly securePort?: number;
  readonly verbose: boolean;
}

/** From the server thread to the main thread: how serving ended. */
type ServeOutcome = { readonly type: 'stopped' } | { readonly type: 'failed'; readonly name: string; readonly message: string; readonly code?: string; readonly stack?: string };

/** From the main thread to the server thread. */
interface ServeSignal {
  readonly signal: StopSignal;
}

/** How long the server thread may take to end after it reported its outcome, before it is terminated. */
const EXIT_GRACE_MS = 2_000;

/**
 * Main thread: runs the server thread until it has shut down after SIGINT or SIGTERM (exit status 0) or failed
 * (the error, rethrown here with its code, so that the command's exit status and message are as if it had been
 * thrown in this thread).
 */
export async function runServeThread(request: Omit<ServeRequest, 'kind'>): Promise<number> {
  // Caught from before the thread starts, so that a signal during startup still ends in a clean shutdown.
  const signal = nextSignal();
  const worker = new Worker(entry(), {
    eval: true,
    workerData: { ...request, kind: 'cnxnspec-serve' } satisfies ServeRequest,
    resourceLimits: { maxYoungGenerationSizeMb: SERVE_YOUNG_GENERATION_MIB },
  });
  void signal.received.then((received) => worker.postMessage({ signal: received } satisfies ServeSignal));
  try {
    const outcome = await new Promise<ServeOutcome>((resolve, reject) => {
      let reported: ServeOutcome | undefined;
      let grace: NodeJS.Timeout | undefined;
      worker.on('message', (message: ServeOutcome) => {
        reported = message;
        // Its log lines reach this thread's stderr before its exit does; a handle left open must not keep it.
        grace = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        clearTimeout(grace);
        if (reported) resolve(reported);
        else reject(new CnxnspecError('CNXNSPEC_ERR_IO', `the server thread of cnxnspec serve ended (exit code ${code}) without saying why; run again with --verbose`));
      });
    });
    if (outcome.type === 'failed') throw rebuilt(outcome);
    return 0;
  } finally {
    signal.dispose();
  }
}

/**
 * The worker's source. In the published package this module is compiled JavaScript and the worker imports it
 * as it is; in a clone it is TypeScript run by tsx, whose loader a worker thread does not inherit on Node 20, so
 * the worker registers it first.
 */
function entry(): string {
  const self = fileURLToPath(import.meta.url);
  const url = JSON.stringify(pathToFileURL(self).href);
  if (extname(self) !== '.ts') return `import(${url})`;
  return `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${url}); })`;
}

function rebuilt(failure: Extract<ServeOutcome, { type: 'failed' }>): Error {
  const error =
    failure.code !== undefined && failure.code in ERROR_CODES
      ? new CnxnspecError(failure.code as ErrorCode, failure.message)
      : Object.assign(new Error(failure.message), failure.code !== undefined ? { code: failure.code } : {});
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
}

/** What the server thread's heap is, for --verbose: the limit it was given, or the node flag that overrides it. */
function heapLine(): string {
  const flag = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].find((arg) => arg.startsWith('--max-semi-space-size'));
  if (flag !== undefined) return `server thread: semi-spaces as node's ${flag} says (it overrides serve's ${SERVE_SEMI_SPACE_MIB} MiB)`;
  return `server thread: young generation limit ${resourceLimits.maxYoungGenerationSizeMb ?? '(none)'} MiB (semi-spaces of ${SERVE_SEMI_SPACE_MIB} MiB)`;
}

/** Server thread: serves until the main thread passes on a signal, then shuts down cleanly. */
async function serveHere(request: ServeRequest, port: MessagePort): Promise<void> {
  const signals = new EventEmitter();
  port.on('message', (message: ServeSignal) => signals.emit(message.signal));
  // The port must not keep this thread alive once the server has shut down.
  port.unref();
  const signal = nextSignal(signals);
  let outcome: ServeOutcome = { type: 'stopped' };
  try {
    const cfg = parseZooCfg(request.configText, request.configPath);
    const log = consoleLogger(request.verbose);
    log.log('debug', heapLine());
    const runtime = createNodeRuntime({ logger: log });
    try {
      const running = await runtime.runAs('main', () =>
        serve(runtime, {
          cfg,
          ...(request.port !== undefined ? { port: request.port } : {}),
          ...(request.securePort !== undefined ? { securePort: request.securePort } : {}),
          // The CLI is where real time enters: znode ctime/mtime are wall-clock ms.
          epochMs: Date.now() - runtime.clock.now(),
          baseDir: request.baseDir,
        }),
      );
      await shutdownOnSignal(running, signal, log);
    } finally {
      await runtime.dispose();
    }
  } catch (err) {
    const error = err as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown };
    outcome = {
      type: 'failed',
      name: typeof error.name === 'string' ? error.name : 'Error',
      message: typeof error.message === 'string' ? error.message : String(err),
      ...(typeof error.code === 'string' ? { code: error.code } : {}),
      ...(typeof error.stack === 'string' ? { stack: error.stack } : {}),
    };
  } finally {
    signal.dispose();
  }
  port.postMessage(outcome);
}

if (!isMainThread && parentPort && (workerData as Partial<ServeRequest> | undefined)?.kind === 'cnxnspec-serve') {
  void serveHere(workerData as ServeRequest, parentPort);
}
