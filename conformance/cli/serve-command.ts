/**
 * `cnxnspec serve [--config zoo.cfg] [--port N] [--secure-port N]`: runs the reference ZooKeeper server on real
 * sockets until SIGINT or SIGTERM, then shuts it down cleanly and exits 0; the secure client port speaks TLS. The
 * factory is chosen as boot chooses it (zoo.cfg `serverCnxnFactory=`, else ZOOKEEPER_SERVER_CNXN_FACTORY, else
 * NIO). Logs go to stderr. Without --config it reads the sample zoo.cfg shipped in the package (`--sample-config`
 * prints it), which allows ruok and the other usual four-letter words.
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { consoleLogger, nextSignal, serve, shutdownOnSignal } from '../../reference/boot/serve.ts';
import { parseZooCfg } from '../../reference/boot/zoo-cfg.ts';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import { CnxnspecError } from '../../spec/errors.ts';
import { packageFile } from '../package-root.ts';

/** The sample zoo.cfg, shipped in the package and found from wherever the command runs. */
export const SAMPLE_ZOO_CFG = packageFile('fixtures/zoo.cfg');

interface ServeFlags {
  config?: string;
  port?: number;
  securePort?: number;
  verbose?: boolean;
  sampleConfig?: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0..65535 (0: any free port)');
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the reference ZooKeeper server (NIO factory unless the config names another) until SIGINT or SIGTERM')
    .option('--config <file>', 'zoo.cfg to read (default: the sample zoo.cfg, see --sample-config)')
    .option('--port <n>', 'client port, replacing clientPort of the config (0: any free port)', port)
    .option('--secure-port <n>', 'TLS client port, replacing secureClientPort (needs serverCnxnFactory=NettyServerCnxnFactory and ssl.keyStore.location)', port)
    .option('--verbose', 'also log debug lines')
    .option('--sample-config', `print the sample zoo.cfg (${SAMPLE_ZOO_CFG}) and exit; e.g. cnxnspec serve --sample-config > zoo.cfg`)
    .action(async (flags: ServeFlags) => {
      if (flags.sampleConfig) process.stdout.write(readFileSync(SAMPLE_ZOO_CFG, 'utf8'));
      else process.exitCode = await runServe(flags);
    });
}

export async function runServe(flags: ServeFlags): Promise<number> {
  const path = resolve(flags.config ?? SAMPLE_ZOO_CFG);
  const cfg = parseZooCfg(readConfig(path, flags.config), path);
  const log = consoleLogger(flags.verbose === true);
  log.log('debug', heapLine());
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
        baseDir: dirname(path),
      }),
    );
    await shutdownOnSignal(running, signal, log);
    return 0;
  } finally {
    signal.dispose();
    await runtime.dispose();
  }
}

/** The young generation this process runs with, for --verbose (bin/cnxnspec.js says why serve sets it). */
function heapLine(): string {
  const given = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].filter((flag) => flag.startsWith('--max-semi-space-size'));
  return given.length > 0 ? `heap: ${given.join(' ')}` : "heap: V8's default semi-spaces (node was started without --max-semi-space-size)";
}

function readConfig(path: string, given: string | undefined): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as { code?: string }).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `--config ${given ?? path}: ${path} ${why}; write the sample with \`cnxnspec serve --sample-config > zoo.cfg\`, or leave --config out to use it as it is`);
  }
}
