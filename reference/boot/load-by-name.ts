/**
 * Shared by the server-factory and client-socket selections: reading the setting, telling a module path from a
 * registered name, importing a module, and the `Couldn't instantiate <name>` error.
 *
 * Precedence of the setting, highest first: an explicit `properties` entry (what `-D` or zoo.cfg set), then the
 * environment variable, then the default. Properties win because they are the more specific, per-server choice;
 * the environment is a host-wide fallback.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';

export type Properties = ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>;
export type Environment = Readonly<Record<string, string | undefined>>;

export function getProperty(properties: Properties | undefined, key: string): string | undefined {
  if (properties === undefined) return undefined;
  if (properties instanceof Map) return properties.get(key);
  return (properties as Readonly<Record<string, string | undefined>>)[key];
}

export interface ResolvedName {
  readonly name: string;
  readonly source: 'property' | 'env' | 'default';
}

/** The setting's value by precedence (property, environment, default); blank values count as unset. */
export function resolveName(
  property: string,
  envVar: string,
  fallback: string,
  properties: Properties | undefined,
  env: Environment | undefined,
): ResolvedName {
  const fromProperty = getProperty(properties, property)?.trim();
  if (fromProperty) return { name: fromProperty, source: 'property' };
  const fromEnv = env?.[envVar]?.trim();
  if (fromEnv) return { name: fromEnv, source: 'env' };
  return { name: fallback, source: 'default' };
}

/** A name that denotes a file: relative or absolute path, file URL, or a .ts/.js/.mjs/.cjs/.mts file name. */
export function isModulePath(name: string): boolean {
  return (
    name.startsWith('./') ||
    name.startsWith('../') ||
    name.startsWith('file:') ||
    isAbsolute(name) ||
    /\.(?:[cm]?[jt]s)$/.test(name)
  );
}

/** Imports a module named by path, relative paths against `baseDir`. */
export async function importModulePath(name: string, baseDir: string): Promise<Record<string, unknown>> {
  const url = name.startsWith('file:') ? name : pathToFileURL(resolve(baseDir, name)).href;
  return (await import(url)) as Record<string, unknown>;
}

/** A module's export named `exportName`, looked for as a named export, then on the default export. */
export function findExport(mod: Record<string, unknown>, exportName: string): unknown {
  if (typeof mod[exportName] === 'function') return mod[exportName];
  const fallback = mod.default as Record<string, unknown> | undefined;
  if (fallback !== null && typeof fallback === 'object' && typeof fallback[exportName] === 'function') {
    return (fallback[exportName] as (...args: unknown[]) => unknown).bind(fallback);
  }
  return undefined;
}

/** `Couldn't instantiate <name>`, then the cause and what to do, with the cause attached. */
export function instantiateError(name: string, cause: unknown, hint: string): CnxnspecError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new CnxnspecError('CNXNSPEC_ERR_FACTORY_LOAD', `Couldn't instantiate ${name}: ${why}. ${hint}`, { cause });
}
