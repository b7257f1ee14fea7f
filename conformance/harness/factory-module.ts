/**
 * Loads the factory under test: the reference NIO factory by default, or any module that exports
 * `createFactory(runtime, options)` (named, or on its default export). A module that cannot be loaded or lacks
 * the export fails the way ZooKeeper's own createFactory does, with `Couldn't instantiate <name>` and the cause.
 */

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import type { FactoryModule } from '../../spec/server-cnxn-factory.ts';

export const REFERENCE_FACTORY = 'reference NIOServerCnxnFactory';

export interface LoadedFactory {
  /** What reports call it: the module path as given, or the reference's name. */
  readonly name: string;
  readonly module: FactoryModule;
}

function cannotInstantiate(name: string, why: string, cause?: unknown): CnxnspecError {
  return new CnxnspecError(
    'CNXNSPEC_ERR_FACTORY_LOAD',
    `Couldn't instantiate ${name}: ${why}. A factory module exports createFactory(runtime, options); see conformance/INTERPRETING.md`,
    { cause },
  );
}

export async function loadFactory(path?: string): Promise<LoadedFactory> {
  if (path === undefined || path === '') {
    const reference = await import('../../reference/nio/nio-server-cnxn-factory.ts');
    return { name: REFERENCE_FACTORY, module: { createFactory: reference.createFactory } };
  }
  const url = pathToFileURL(isAbsolute(path) ? path : resolve(process.cwd(), path)).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw cannotInstantiate(path, `the module failed to load (${(err as Error).message ?? String(err)})`, err);
  }
  const fallback = loaded.default as Record<string, unknown> | undefined;
  const create = loaded.createFactory ?? fallback?.createFactory;
  if (typeof create !== 'function') {
    const exported = Object.keys(loaded).join(', ') || 'nothing';
    throw cannotInstantiate(path, `it has no createFactory function (it exports ${exported})`);
  }
  return { name: path, module: { createFactory: create as FactoryModule['createFactory'] } };
}
