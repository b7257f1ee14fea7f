/**
 * createFactory by name: which ServerCnxnFactory implementation serves the client ports.
 *
 * The name comes from, highest precedence first: the `zookeeper.serverCnxnFactory` entry of the `properties`
 * passed in (what `-D` or zoo.cfg's `serverCnxnFactory=` set), the environment variable
 * `ZOOKEEPER_SERVER_CNXN_FACTORY`, then the default `NIOServerCnxnFactory`. It is read on every call.
 * - `NIOServerCnxnFactory`, `nio`, `org.apache.zookeeper.server.NIOServerCnxnFactory`: the reference NIO factory.
 * - `NettyServerCnxnFactory`, `netty`, `org.apache.zookeeper.server.NettyServerCnxnFactory`: the Netty-style
 *   factory (reference/netty), the one that serves TLS.
 * - a module path (relative to `baseDir`, or absolute; .ts or .js): imported; it must export createFactory.
 * Success logs `Using <name> as server connection factory`; any failure throws CNXNSPEC_ERR_FACTORY_LOAD
 * `Couldn't instantiate <name>` with the cause. Nothing is bound or started here, so a failure leaves nothing behind.
 *
 * Implements: factory.select-default, factory.select-by-name, factory.select-log, factory.select-error.
 */
import { DEFAULT_FACTORY } from '../../spec/knobs.ts';
import type { HostRuntime } from '../../spec/runtime.ts';
import type { FactoryModule, FactoryOptions, ServerCnxnFactory } from '../../spec/server-cnxn-factory.ts';
import nettyModule from '../netty/netty-server-cnxn-factory.ts';
import nioModule from '../nio/nio-server-cnxn-factory.ts';
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

export const SERVER_CNXN_FACTORY_PROPERTY = 'zookeeper.serverCnxnFactory';
export const SERVER_CNXN_FACTORY_ENV = 'ZOOKEEPER_SERVER_CNXN_FACTORY';

/** Registered names. */
const BUILTIN: Readonly<Record<string, FactoryModule>> = {
  NIOServerCnxnFactory: nioModule,
  nio: nioModule,
  'org.apache.zookeeper.server.NIOServerCnxnFactory': nioModule,
  NettyServerCnxnFactory: nettyModule,
  netty: nettyModule,
  'org.apache.zookeeper.server.NettyServerCnxnFactory': nettyModule,
};

export const REGISTERED_FACTORY_NAMES: readonly string[] = Object.keys(BUILTIN);

export interface CreateFactoryOptions {
  /** Property map; its `zookeeper.serverCnxnFactory` entry wins over the environment. */
  readonly properties?: Properties;
  /** Environment to read `ZOOKEEPER_SERVER_CNXN_FACTORY` from; pass {} to ignore the process environment. */
  readonly env?: Environment;
  /** Options handed to the chosen factory. */
  readonly factoryOptions?: FactoryOptions;
  /** Where relative module paths are resolved from (default: the current directory). */
  readonly baseDir?: string;
}

export function resolveFactoryName(options: CreateFactoryOptions = {}): ResolvedName {
  return resolveName(
    SERVER_CNXN_FACTORY_PROPERTY,
    SERVER_CNXN_FACTORY_ENV,
    DEFAULT_FACTORY,
    options.properties,
    options.env ?? process.env,
  );
}

/**
 * Resolves the factory name, loads and instantiates it (unconfigured), then logs the choice.
 * Implements: factory.select-default, factory.select-by-name, factory.select-log, factory.select-error.
 */
export async function createFactory(runtime: HostRuntime, options: CreateFactoryOptions = {}): Promise<ServerCnxnFactory> {
  const { name } = resolveFactoryName(options);
  const factory = await instantiate(runtime, name, options);
  runtime.log.log('info', `Using ${name} as server connection factory`);
  return factory;
}

async function instantiate(runtime: HostRuntime, name: string, options: CreateFactoryOptions): Promise<ServerCnxnFactory> {
  const fix = `Set ${SERVER_CNXN_FACTORY_PROPERTY} to one of ${REGISTERED_FACTORY_NAMES.join(', ')}, or to the path of a module that exports createFactory(runtime, options)`;
  let create: FactoryModule['createFactory'];
  const builtin = BUILTIN[name];
  if (builtin !== undefined) {
    create = builtin.createFactory;
  } else if (isModulePath(name)) {
    let mod: Record<string, unknown>;
    try {
      mod = await importModulePath(name, options.baseDir ?? process.cwd());
    } catch (err) {
      throw instantiateError(name, err, `Check that the module exists and loads; relative paths are resolved from ${options.baseDir ?? process.cwd()}`);
    }
    const found = findExport(mod, 'createFactory');
    if (found === undefined) {
      throw instantiateError(name, new Error('the module does not export a createFactory function'), 'Export createFactory(runtime, options) from it, named or on its default export');
    }
    create = found as FactoryModule['createFactory'];
  } else {
    throw instantiateError(name, new Error('not a registered factory name and not a module path'), fix);
  }
  let factory: unknown;
  try {
    factory = await create(runtime, options.factoryOptions ?? {});
  } catch (err) {
    throw instantiateError(name, err, 'The factory threw while being constructed; see the cause');
  }
  if (!looksLikeFactory(factory)) {
    throw instantiateError(name, new Error('createFactory did not return a ServerCnxnFactory (configure/start/shutdown missing)'), 'Return an object with the ServerCnxnFactory methods');
  }
  return factory;
}

function looksLikeFactory(value: unknown): value is ServerCnxnFactory {
  if (value === null || typeof value !== 'object') return false;
  const f = value as Record<string, unknown>;
  return ['configure', 'start', 'startup', 'stop', 'join', 'shutdown', 'localAddress'].every((m) => typeof f[m] === 'function');
}
