/**
 * runFromConfig: turns a parsed zoo.cfg (plus property overrides) into zero, one or two configured factories,
 * the way ZooKeeper's QuorumPeerMain.runFromConfig does:
 * 1. read the settings; a config with neither clientPort nor secureClientPort fails here, before anything binds;
 * 2. resolve the factory name once, so the plain and the secure port get the same implementation;
 * 3. clientPort set: createFactory, configure(clientPortAddress:clientPort, maxClientCnxns, backlog, secure=false);
 * 4. secureClientPort set: load and check the TLS material (`ssl.*`, see tls-material.ts), createFactory with it,
 *    configure(secureClientPortAddress:port, same limits, secure=true); if that fails, the plain factory is shut
 *    down first, so nothing stays bound.
 * The factories are configured (bound, for NIO) but not started; `startup(handler)` starts them.
 *
 * Properties: zoo.cfg keys that are not core keys become `zookeeper.<key>` properties, as in ZooKeeper
 * (`serverCnxnFactory=...` sets `zookeeper.serverCnxnFactory`). Explicit `properties` overrides win over them
 * (in ZooKeeper the file overwrites `-D` values; here the more specific override wins). A property that does not
 * parse as an integer is an error here, where ZooKeeper silently falls back to the default.
 *
 * Implements: boot.client-port, boot.secure-client-port, factory.select-by-name (one choice for both ports).
 */
import { CnxnspecError } from '../../spec/errors.ts';
import { LISTEN_BACKLOG_DEFAULT, MAX_CLIENT_CNXNS, TICK_TIME_MS } from '../../spec/knobs.ts';
import type { HostRuntime, SocketAddress } from '../../spec/runtime.ts';
import type { FactoryOptions, RequestHandler, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import { createFactory, resolveFactoryName, SERVER_CNXN_FACTORY_PROPERTY } from './create-factory.ts';
import { getProperty, type Environment, type Properties } from './load-by-name.ts';
import { loadTlsMaterial } from './tls-material.ts';
import type { ZooCfg } from './zoo-cfg.ts';

export const WILDCARD_HOST = '0.0.0.0';

/** zoo.cfg keys read directly; any other key becomes the property `zookeeper.<key>`. */
const CORE_KEYS = new Set([
  'clientPort',
  'clientPortAddress',
  'secureClientPort',
  'secureClientPortAddress',
  'maxClientCnxns',
  'clientPortListenBacklog',
  'tickTime',
  'minSessionTimeout',
  'maxSessionTimeout',
  'dataDir',
  'dataLogDir',
]);

/** Property name -> FactoryOptions field. */
const FACTORY_PROPERTIES: ReadonlyArray<readonly [string, keyof FactoryOptions]> = [
  ['zookeeper.nio.numSelectorThreads', 'numSelectorThreads'],
  ['zookeeper.nio.numWorkerThreads', 'numWorkerThreads'],
  ['zookeeper.nio.sessionlessCnxnTimeout', 'sessionlessCnxnTimeout'],
  ['zookeeper.nio.shutdownTimeout', 'shutdownTimeout'],
  ['zookeeper.maxCnxns', 'maxCnxns'],
  ['jute.maxbuffer', 'juteMaxBuffer'],
  ['zookeeper.globalOutstandingLimit', 'globalOutstandingLimit'],
];

export interface ServerConfig {
  readonly clientPortAddress?: SocketAddress;
  readonly secureClientPortAddress?: SocketAddress;
  readonly maxClientCnxns: number;
  readonly clientPortListenBacklog: number;
  readonly tickTime: number;
  /** -1 means 2 x tickTime. */
  readonly minSessionTimeout: number;
  /** -1 means 20 x tickTime. */
  readonly maxSessionTimeout: number;
  /** zoo.cfg-derived properties with the overrides applied. */
  readonly properties: ReadonlyMap<string, string>;
  readonly factoryOptions: FactoryOptions;
}

function configError(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', message);
}

function where(cfg: ZooCfg, key: string): string {
  const line = cfg.lines.get(key);
  return line === undefined ? `${cfg.source}` : `${cfg.source} line ${line}`;
}

function parseInteger(text: string, what: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw configError(`${what}: "${text}" is not an integer; write a whole number`);
  return Number.parseInt(text, 10);
}

function cfgInt(cfg: ZooCfg, key: string, fallback: number): number {
  const value = cfg.entries.get(key);
  return value === undefined || value === '' ? fallback : parseInteger(value, `${where(cfg, key)} (${key})`);
}

function cfgPort(cfg: ZooCfg, key: string): number | undefined {
  const value = cfg.entries.get(key);
  if (value === undefined || value === '') return undefined;
  const port = parseInteger(value, `${where(cfg, key)} (${key})`);
  if (port < 0 || port > 65535) throw configError(`${where(cfg, key)} (${key}): port ${port} is outside 0..65535`);
  return port;
}

function address(cfg: ZooCfg, portKey: string, addressKey: string): SocketAddress | undefined {
  const port = cfgPort(cfg, portKey);
  const host = cfg.entries.get(addressKey);
  if (port === undefined) {
    if (host !== undefined && host !== '') throw configError(`${where(cfg, addressKey)}: ${addressKey} is set but ${portKey} is not set`);
    return undefined;
  }
  return { host: host === undefined || host === '' ? WILDCARD_HOST : host, port };
}

/** Reads and checks everything runFromConfig needs; throws CNXNSPEC_ERR_CONFIG naming the key and line. */
export function parseServerConfig(cfg: ZooCfg, overrides?: Properties): ServerConfig {
  const properties = new Map<string, string>();
  for (const [key, value] of cfg.entries) if (!CORE_KEYS.has(key)) properties.set(`zookeeper.${key}`, value);
  if (overrides !== undefined) {
    const pairs = overrides instanceof Map ? [...overrides] : Object.entries(overrides);
    for (const [key, value] of pairs) if (value !== undefined) properties.set(key, value);
  }
  const clientPortAddress = address(cfg, 'clientPort', 'clientPortAddress');
  const secureClientPortAddress = address(cfg, 'secureClientPort', 'secureClientPortAddress');
  if (clientPortAddress === undefined && secureClientPortAddress === undefined) {
    throw configError(`${cfg.source}: no client port is configured; set clientPort, secureClientPort or both`);
  }
  const tickTime = cfgInt(cfg, 'tickTime', TICK_TIME_MS);
  if (tickTime <= 0) throw configError(`${where(cfg, 'tickTime')}: tickTime is not set (must be a positive number of ms)`);
  const minSessionTimeout = cfgInt(cfg, 'minSessionTimeout', -1);
  const maxSessionTimeout = cfgInt(cfg, 'maxSessionTimeout', -1);
  const min = minSessionTimeout === -1 ? 2 * tickTime : minSessionTimeout;
  const max = maxSessionTimeout === -1 ? 20 * tickTime : maxSessionTimeout;
  if (min > max) throw configError(`${cfg.source}: minSessionTimeout (${min}) must not be greater than maxSessionTimeout (${max})`);
  const factoryOptions: Record<string, number> = {};
  for (const [property, field] of FACTORY_PROPERTIES) {
    const value = getProperty(properties, property);
    if (value !== undefined && value.trim() !== '') factoryOptions[field] = parseInteger(value, `property ${property}`);
  }
  return {
    ...(clientPortAddress ? { clientPortAddress } : {}),
    ...(secureClientPortAddress ? { secureClientPortAddress } : {}),
    maxClientCnxns: cfgInt(cfg, 'maxClientCnxns', MAX_CLIENT_CNXNS),
    clientPortListenBacklog: cfgInt(cfg, 'clientPortListenBacklog', LISTEN_BACKLOG_DEFAULT),
    tickTime,
    minSessionTimeout,
    maxSessionTimeout,
    properties,
    factoryOptions,
  };
}

export interface RunFromConfigOptions {
  /** Property overrides (like `-D`); they win over zoo.cfg-derived properties. */
  readonly properties?: Properties;
  /** Environment for the factory-name fallback (default: the process environment). */
  readonly env?: Environment;
  /** Where relative factory module paths are resolved from. */
  readonly baseDir?: string;
  /** Extra factory options (e.g. cores), under those the properties set. */
  readonly factoryOptions?: FactoryOptions;
}

export interface ConfiguredServer {
  readonly config: ServerConfig;
  /** The implementation name both factories were created from. */
  readonly factoryName: string;
  readonly cnxnFactory?: ServerCnxnFactory;
  readonly secureCnxnFactory?: ServerCnxnFactory;
  /** Attaches `handler` to each factory and starts it. */
  startup(handler: RequestHandler): Promise<void>;
  /** Shuts each factory down. */
  shutdown(): Promise<void>;
}

/** Configures the plain and/or secure factory from zoo.cfg. Implements: boot.client-port, boot.secure-client-port. */
export async function runFromConfig(runtime: HostRuntime, cfg: ZooCfg, options: RunFromConfigOptions = {}): Promise<ConfiguredServer> {
  // 1.
  const config = parseServerConfig(cfg, options.properties);
  // 2.
  const env = options.env ?? process.env;
  const { name } = resolveFactoryName({ properties: config.properties, env });
  const create = (extra: FactoryOptions = {}): Promise<ServerCnxnFactory> =>
    createFactory(runtime, {
      properties: new Map([...config.properties, [SERVER_CNXN_FACTORY_PROPERTY, name]]),
      env,
      factoryOptions: { ...options.factoryOptions, ...config.factoryOptions, ...extra },
      ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
    });
  // 3.
  let cnxnFactory: ServerCnxnFactory | undefined;
  if (config.clientPortAddress !== undefined) {
    cnxnFactory = await create();
    await cnxnFactory.configure(config.clientPortAddress, config.maxClientCnxns, config.clientPortListenBacklog, false);
  }
  // 4.
  let secureCnxnFactory: ServerCnxnFactory | undefined;
  if (config.secureClientPortAddress !== undefined) {
    try {
      // The key material is read and checked before the secure factory exists, so a bad store binds nothing.
      const tls = loadTlsMaterial(config.properties, options.baseDir ?? process.cwd());
      secureCnxnFactory = await create(tls === undefined ? {} : { tls });
      await secureCnxnFactory.configure(config.secureClientPortAddress, config.maxClientCnxns, config.clientPortListenBacklog, true);
    } catch (err) {
      await cnxnFactory?.shutdown();
      throw err;
    }
  }
  const factories = [cnxnFactory, secureCnxnFactory].filter((f): f is ServerCnxnFactory => f !== undefined);
  return {
    config,
    factoryName: name,
    ...(cnxnFactory ? { cnxnFactory } : {}),
    ...(secureCnxnFactory ? { secureCnxnFactory } : {}),
    async startup(handler: RequestHandler): Promise<void> {
      for (const factory of factories) await factory.startup(handler);
    },
    async shutdown(): Promise<void> {
      for (const factory of factories) await factory.shutdown();
    },
  };
}
