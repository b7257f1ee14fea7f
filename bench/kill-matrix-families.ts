/**
 * The mutant families of the kill matrix, found on disk rather than listed, so that a mutant added to a folder
 * is in the next matrix: every module in a family's folder that exports createFactory is a mutant of it.
 *
 *   reference    fixtures/mutants/*.ts that declare no profile (or nio): the reference NIO factory with one defect
 *   netty        fixtures/mutants/*.ts that declare `profile = 'netty'`: the Netty-style reference with one defect
 *   independent  fixtures/factories/independent-nio-mutants/*.ts: the independently written NIO factory with one
 *                defect (index.ts names the requirement each must break)
 *
 * Each is judged under its profile, as `cnxnspec test` would judge it (the module's declared profile, else nio).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { declaredProfile } from '../conformance/harness/profile.ts';
import type { ProfileName } from '../conformance/harness/profile.ts';
import { INDEPENDENT_MUTANTS } from '../fixtures/factories/independent-nio-mutants/index.ts';

export const FAMILIES = ['reference', 'netty', 'independent'] as const;
export type Family = (typeof FAMILIES)[number];

export interface Mutant {
  readonly family: Family;
  readonly name: string;
  /** Absolute path of the module. */
  readonly path: string;
  readonly profile: ProfileName;
  readonly defect: string;
  /** The requirements the defect breaks, as its header or index entry says. */
  readonly breaks: string;
  /** Why the search of generated scenarios cannot show it, when its header says so ("Survives in simulation:"). */
  readonly survives?: string;
}

export function keyOf(m: Pick<Mutant, 'family' | 'name'>): string {
  return `${m.family}/${m.name}`;
}

export const FAMILY_TITLES: Readonly<Record<Family, string>> = {
  reference: 'reference NIO factory (fixtures/mutants/, profile nio)',
  netty: 'Netty-style reference factory (fixtures/mutants/netty-*, profile netty)',
  independent: 'independent NIO factory (fixtures/factories/independent-nio-mutants/, profile nio)',
};

interface Header {
  readonly defect: string;
  readonly breaks: string;
  readonly survives?: string;
}

/** The defect, the requirements and (for survivors) the reason, read from a mutant's header comment. */
function headerOf(source: string): Header {
  const comment = (/^\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const part = (label: string): string | undefined => new RegExp(`${label}:? (.*?)(?= (?:Defect|Breaks|Survives in simulation|Expected catcher):|$)`).exec(comment)?.[1]?.trim();
  const survives = part('Survives in simulation');
  return { defect: part('Defect') ?? comment, breaks: (part('Breaks') ?? '').replace(/\.$/, ''), ...(survives ? { survives } : {}) };
}

async function modulesIn(dir: string): Promise<{ name: string; path: string; mod: Record<string, unknown>; source: string }[]> {
  const found = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()) {
    const path = join(dir, file);
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const fallback = mod.default as Record<string, unknown> | undefined;
    if (typeof (mod.createFactory ?? fallback?.createFactory) !== 'function') continue;
    found.push({ name: file.slice(0, -3), path, mod, source: readFileSync(path, 'utf8') });
  }
  return found;
}

export async function discoverMutants(root: string): Promise<Mutant[]> {
  const mutants: Mutant[] = [];
  for (const { name, path, mod, source } of await modulesIn(join(root, 'fixtures/mutants'))) {
    const profile = declaredProfile(mod)?.name ?? 'nio';
    mutants.push({ family: profile === 'netty' ? 'netty' : 'reference', name, path, profile, ...headerOf(source) });
  }
  for (const { name, path, source } of await modulesIn(join(root, 'fixtures/factories/independent-nio-mutants'))) {
    const entry = INDEPENDENT_MUTANTS.find((m) => m.name === name);
    const header = headerOf(source);
    mutants.push({
      family: 'independent',
      name,
      path,
      profile: 'nio',
      defect: entry?.defect ?? header.defect,
      breaks: entry?.requirement ?? header.breaks,
      ...(header.survives ? { survives: header.survives } : {}),
    });
  }
  return mutants;
}
