/**
 * serve: the reference ZooKeeper server from a zoo.cfg, what `cnxnspec serve` runs.
 * 1. apply the overrides (--port replaces clientPort, --secure-port secureClientPort);
 * 2. runFromConfig: the factory chosen by name (NIO unless zookeeper.serverCnxnFactory says otherwise),
 *    configured for the plain and/or secure client port (TLS from the ssl.* keys; NIO refuses a secure port);
 * 3. a ZkServer with the zoo.cfg's tickTime, session timeout bounds, 4lw.commands.whitelist and jute limits,
 *    attached to the factories (for stat/cons/mntr) and started through them;
 * 4. log each bound address;
 * 5. shutdown(): the factories first (no new connections, every connection closed with server_shutdown), then
 *    the server's session thread. Idempotent. `shutdownOnSignals` calls it on SIGINT or SIGTERM.
 *
 * Implements: zk.serve.
 */
import { CnxnspecError } from '../../spec/errors.ts';
import type { HostRuntime, Logger, SocketAddress } from '../../spec/runtime.ts';
import { ZkServer } from '../zk/zk-server.ts';
import type { ZkServerOptions } from '../zk/zk-server-options.ts';
import type { Environment } from './load-by-name.ts';
import { runFromConfig, type ConfiguredServer, type ServerConfig } from './run-from-config.ts';
import type { ZooCfg } from './zoo-cfg.ts';

/** Used when no zoo.cfg is given: the usual port, loopback only. */
export const DEFAULT_ZOO_CFG = 'clientPort=2181\nclientPortAddress=127.0.0.1\n';

export interface ServeOptions {
  readonly cfg: ZooCfg;
  /** Replaces clientPort (0 = any free port). */
  readonly port?: number;
  /** Replaces secureClientPort (0 = any free port). */
  readonly securePort?: number;
  /** Wall-clock ms at the runtime clock's zero (for znode times); see ZkServerOptions.epochMs. */
  readonly epochMs?: number;
  readonly env?: Environment;
  /** Where a factory module path in the config is resolved from. */
  readonly baseDir?: string;
}

export interface RunningServer {
  readonly server: ZkServer;
  readonly factoryName: string;
  readonly configured: ConfiguredServer;
  /** The bound client port address (real port), if a plain port is configured. */
  readonly clientAddress?: SocketAddress;
  readonly secureClientAddress?: SocketAddress;
  shutdown(): Promise<void>;
}

/** zoo.cfg with clientPort (or `key`) replaced; the line number of the original entry is kept for messages. */
export function withClientPort(cfg: ZooCfg, port: number, key: 'clientPort' | 'secureClientPort' = 'clientPort'): ZooCfg {
  const entries = new Map(cfg.entries);
  entries.set(key, String(port));
  return { ...cfg, entries, source: `${cfg.source} (${key}=${port} from the command line)` };
}

/** The ZkServer settings a zoo.cfg implies. */
export function zkServerOptions(config: ServerConfig, epochMs?: number): ZkServerOptions {
  const extra = config.properties.get('zookeeper.jute.maxbuffer.extrasize');
  const whitelist = config.properties.get('zookeeper.4lw.commands.whitelist');
  const superDigest = config.properties.get('zookeeper.DigestAuthenticationProvider.superDigest');
  return {
    tickTime: config.tickTime,
    minSessionTimeout: config.minSessionTimeout,
    maxSessionTimeout: config.maxSessionTimeout,
    ...(whitelist !== undefined ? { fourLetterWordWhitelist: whitelist } : {}),
    ...(config.factoryOptions.juteMaxBuffer !== undefined ? { juteMaxBuffer: config.factoryOptions.juteMaxBuffer } : {}),
    ...(extra !== undefined && /^\d+$/.test(extra.trim()) ? { juteMaxBufferExtraSize: Number(extra) } : {}),
    ...(epochMs !== undefined ? { epochMs } : {}),
    // As ZooKeeper reads them: skipACL only when exactly "yes", enforceQuota as a Java boolean.
    ...(config.properties.get('zookeeper.skipACL') === 'yes' ? { skipAcl: true } : {}),
    ...(config.properties.get('zookeeper.enforceQuota')?.toLowerCase() === 'true' ? { enforceQuota: true } : {}),
    ...(superDigest !== undefined ? { superDigest } : {}),
    ...extendedTypeOptions(config.properties),
  };
}

/**
 * `zookeeper.extendedTypesEnabled` (zoo.cfg `extendedTypesEnabled=true`) and the container manager's schedule,
 * `znode.container.checkIntervalMs`, `.maxPerMinute` and `.maxNeverUsedIntervalMs`: ZooKeeper reads those as -D
 * properties only; serve has no -D, so their zoo.cfg form (which gains the `zookeeper.` prefix) counts too.
 */
function extendedTypeOptions(properties: ReadonlyMap<string, string>): ZkServerOptions {
  const number = (name: string): number | undefined => {
    const text = properties.get(name) ?? properties.get(`zookeeper.${name}`);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text.trim())) throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `${name}=${text}: expected a whole number of ms or deletions`);
    return Number(text);
  };
  const check = number('znode.container.checkIntervalMs');
  const perMinute = number('znode.container.maxPerMinute');
  const neverUsed = number('znode.container.maxNeverUsedIntervalMs');
  return {
    ...(properties.get('zookeeper.extendedTypesEnabled')?.trim() === 'true' ? { extendedTypesEnabled: true } : {}),
    ...(check !== undefined ? { containerCheckIntervalMs: check } : {}),
    ...(perMinute !== undefined ? { containerMaxPerMinute: perMinute } : {}),
    ...(neverUsed !== undefined ? { containerMaxNeverUsedIntervalMs: neverUsed } : {}),
  };
}

export async function serve(runtime: HostRuntime, options: ServeOptions): Promise<RunningServer> {
  // 1.
  const plain = options.port === undefined ? options.cfg : withClientPort(options.cfg, options.port);
  const cfg = options.securePort === undefined ? plain : withClientPort(plain, options.securePort, 'secureClientPort');
  // 2.
  const configured = await runFromConfig(runtime, cfg, {
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
  });
  // 3.
  let server: ZkServer;
  try {
    const reported = { maxClientCnxns: configured.config.maxClientCnxns, clientPortListenBacklog: configured.config.clientPortListenBacklog };
    server = new ZkServer(runtime, { ...zkServerOptions(configured.config, options.epochMs), ...reported });
    for (const factory of [configured.cnxnFactory, configured.secureCnxnFactory]) if (factory !== undefined) server.attachFactory(factory);
    server.start();
    await configured.startup(server);
  } catch (err) {
    await configured.shutdown();
    throw err;
  }
  // 4.
  const clientAddress = configured.cnxnFactory?.localAddress();
  const secureClientAddress = configured.secureCnxnFactory?.localAddress();
  const { config } = configured;
  for (const [what, address] of [['client port', clientAddress], ['secure client port', secureClientAddress]] as const) {
    if (address !== undefined) runtime.log.log('info', `ZooKeeper server (${configured.factoryName}) listening on ${address.host}:${address.port} (${what})`);
  }
  runtime.log.log(
    'info',
    `tickTime=${config.tickTime} ms, session timeouts ${server.settings.minSessionTimeout}..${server.settings.maxSessionTimeout} ms, ` +
      `maxClientCnxns=${config.maxClientCnxns}, four-letter words: ${config.properties.get('zookeeper.4lw.commands.whitelist') ?? 'srvr'}`,
  );
  // 5.
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      runtime.log.log('info', 'shutting down: closing the client ports and every connection');
      await configured.shutdown();
      await server.shutdown();
      runtime.log.log('info', 'shut down');
    })());
  return {
    server,
    factoryName: configured.factoryName,
    configured,
    ...(clientAddress !== undefined ? { clientAddress } : {}),
    ...(secureClientAddress !== undefined ? { secureClientAddress } : {}),
    shutdown,
  };
}

/** What nextSignal needs of `process`. */
export interface SignalSource {
  once(signal: StopSignal, listener: () => void): unknown;
  removeListener(signal: StopSignal, listener: () => void): unknown;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalWait {
  /** Resolves with the first SIGINT or SIGTERM; from then on neither is caught any more. */
  readonly received: Promise<StopSignal>;
  /** Stops catching the signals without waiting (e.g. when startup failed). */
  dispose(): void;
}

/**
 * Catches the next SIGINT or SIGTERM. Installed before the server starts, so that a signal arriving during
 * startup still leads to a clean shutdown instead of the default abrupt exit.
 */
export function nextSignal(signals: SignalSource = process): SignalWait {
  let dispose = (): void => {};
  const received = new Promise<StopSignal>((resolve) => {
    const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => settle(signal)] as const);
    dispose = () => {
      for (const [signal, handler] of handlers) signals.removeListener(signal, handler);
    };
    const settle = (signal: StopSignal): void => {
      dispose();
      resolve(signal);
    };
    for (const [signal, handler] of handlers) signals.once(signal, handler);
  });
  return { received, dispose: () => dispose() };
}

/** Waits for SIGINT or SIGTERM, then shuts `running` down; resolves with the signal. */
export async function shutdownOnSignal(running: RunningServer, wait: SignalWait, log: Logger): Promise<StopSignal> {
  const signal = await wait.received;
  log.log('info', `received ${signal}`);
  await running.shutdown();
  return signal;
}

/** Log lines on stderr as `LEVEL message`: info and above, debug too when verbose. */
export function consoleLogger(verbose = false, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return {
    log(level, message) {
      if (level !== 'debug' || verbose) write(`${level.toUpperCase()} ${message}\n`);
    },
  };
}
