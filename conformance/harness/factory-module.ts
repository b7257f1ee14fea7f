/**
 * Loads the factory under test: the reference NIO factory by default, or any module that exports
 * `createFactory(runtime, options)` (named, or on its default export). A module that cannot be loaded or lacks
 * the export fails the way ZooKeeper's own createFactory does, with `Couldn't instantiate <name>` and the cause;
 * so does one whose createFactory throws (probeStart).
 */

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import type { FactoryModule } from '../../spec/server-cnxn-factory.ts';
import { EchoHandler } from '../../reference/server/echo-handler.ts';
import { createSimulation } from '../sim/index.ts';

export const REFERENCE_FACTORY = 'reference NIOServerCnxnFactory';

export interface LoadedFactory {
  /** What reports call it: the module path as given, or the reference's name. */
  readonly name: string;
  readonly module: FactoryModule;
}

/** `stack`, when given, goes on the lines after the message, where a terminal shows it whole. */
function cannotInstantiate(name: string, why: string, cause?: unknown, stack?: string): CnxnspecError {
  return new CnxnspecError(
    'CNXNSPEC_ERR_FACTORY_LOAD',
    `Couldn't instantiate ${name}: ${why}. A factory module exports createFactory(runtime, options); see conformance/INTERPRETING.md${stack ? `\n${stack}` : ''}`,
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

export interface StartFailure {
  /** The factory method that threw. */
  readonly stage: 'configure' | 'startup';
  /** The error with its stack trace, as the factory threw it. */
  readonly error: string;
}

function described(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}

/**
 * Creates the factory in a simulation with nothing connecting, and with `start`, configures and starts it too.
 * A createFactory that throws makes the module one that cannot be instantiated (thrown, as a load error); a
 * configure or startup that throws is returned, so the suite can say that the factory never started, with
 * the stack.
 */
export async function probeStart(loaded: LoadedFactory, start: boolean): Promise<StartFailure | undefined> {
  const sim = createSimulation({ seed: 0, maxSteps: 50_000 });
  let stage: 'createFactory' | StartFailure['stage'] = 'createFactory';
  const outcome = await sim.run({
    main: async (rt) => {
      const factory = loaded.module.createFactory(rt, { numSelectorThreads: 1, numWorkerThreads: 1, sessionlessCnxnTimeout: 10_000, cores: 2 });
      if (!start) return;
      stage = 'configure';
      await factory.configure({ host: '127.0.0.1', port: 2181 }, 60, 50, false);
      stage = 'startup';
      await factory.startup(new EchoHandler());
    },
    maxVirtualTime: 60_000,
  });
  if (outcome.status !== 'error' || outcome.errorSource !== 'main') return undefined;
  const error = outcome.error;
  if (stage === 'createFactory') {
    throw cannotInstantiate(loaded.name, `createFactory threw (${error instanceof Error ? error.message : String(error)})`, error, described(error));
  }
  return { stage, error: described(error) };
}
