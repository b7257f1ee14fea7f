/**
 * `cnxnspec serve [--config zoo.cfg] [--port N] [--secure-port N]`: runs the reference ZooKeeper server on real
 * sockets until SIGINT or SIGTERM, then shuts it down cleanly; the secure client port speaks TLS. The factory is chosen as boot chooses it (zoo.cfg
 * `serverCnxnFactory=`, else ZOOKEEPER_SERVER_CNXN_FACTORY, else NIO). Logs go to stderr.
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { consoleLogger, DEFAULT_ZOO_CFG, nextSignal, serve, shutdownOnSignal } from '../../reference/boot/serve.ts';
import { parseZooCfg } from '../../reference/boot/zoo-cfg.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';

interface ServeFlags {
  config?: string;
  port?: number;
  securePort?: number;
  verbose?: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0..65535 (0: any free port)');
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the reference ZooKeeper server (NIO factory unless the config names another) until SIGINT or SIGTERM')
    .option('--config <file>', `zoo.cfg to read (default: ${DEFAULT_ZOO_CFG.trim().replace(/\n/g, ', ')})`)
    .option('--port <n>', 'client port, replacing clientPort of the config (0: any free port)', port)
    .option('--secure-port <n>', 'TLS client port, replacing secureClientPort (needs serverCnxnFactory=NettyServerCnxnFactory and ssl.keyStore.location)', port)
    .option('--verbose', 'also log debug lines')
    .action(async (flags: ServeFlags) => {
      process.exitCode = await runServe(flags);
    });
}

export async function runServe(flags: ServeFlags): Promise<number> {
  const path = flags.config === undefined ? undefined : resolve(flags.config);
  const text = path === undefined ? DEFAULT_ZOO_CFG : readFileSync(path, 'utf8');
  const cfg = parseZooCfg(text, path ?? 'built-in defaults');
  const log = consoleLogger(flags.verbose === true);
  const runtime = createNodeRuntime({ logger: log });
  // Caught from before startup, so that a signal during startup still ends in a clean shutdown.
  const signal = nextSignal();
  try {
    const running = await runtime.runAs('main', () =>
      serve(runtime, {
        cfg,
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.securePort !== undefined ? { securePort: flags.securePort } : {}),
        // The CLI is where real time enters: znode ctime/mtime are wall-clock ms.
        epochMs: Date.now() - runtime.clock.now(),
        ...(path !== undefined ? { baseDir: dirname(path) } : {}),
      }),
    );
    await shutdownOnSignal(running, signal, log);
    return 0;
  } finally {
    signal.dispose();
    await runtime.dispose();
  }
}
