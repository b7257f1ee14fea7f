/**
 * `cnxnspec-shard.json`: what one shard of a search (`cnxnspec test --shard i/n --out DIR`) hands to
 * `cnxnspec merge`, next to its own cnxnspec-result.json: the settings every shard must share, what its runs saw
 * (search-walk.ts), its shrunk failures with their traces, and, from shard 1, the harness checks' outcomes.
 * Merging checks that the shards are one search, complete and without overlap, then walks all their runs
 * together, which gives the result one unsharded run gives.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CnxnspecError } from '../../spec/errors.ts';
import type { ConformanceReport } from '../../spec/result/conformance-report.ts';
import type { NamedOutcome } from './checks/run-checks.ts';
import { judgeAll, type ConformanceResult } from './conformance-run.ts';
import type { Expectation, Expectations } from './expectations.ts';
import { profileNamed } from './profile.ts';
import { shardText, type Shard } from './search-slice.ts';
import { walk, type SearchRecord } from './search-walk.ts';
import type { StrategyName } from './suite-token.ts';

export const SHARD_FILE = 'cnxnspec-shard.json';
const FORMAT = 'cnxnspec-shard/1';

/** What must be the same in every shard of one search. */
export interface ShardSettings {
  readonly factory: ConformanceReport['factory'];
  readonly versions: ConformanceReport['versions'];
  readonly profile: string;
  readonly seed: number;
  readonly strategy: StrategyName;
  readonly budget: ConformanceReport['budget'];
  readonly shrinkBudgetSeconds: number;
  readonly only: string | null;
  readonly maxFailures: number;
  readonly expectations: readonly (readonly [string, Expectation])[];
}

export interface ShardFile {
  readonly format: typeof FORMAT;
  readonly shard: Shard;
  readonly settings: ShardSettings;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly record: SearchRecord;
  /** The harness checks' outcomes: shard 1's, null in the others. */
  readonly outcomes: readonly NamedOutcome[] | null;
}

export function writeShardFile(dir: string, file: ShardFile): string {
  const path = join(dir, SHARD_FILE);
  writeFileSync(path, `${JSON.stringify(file)}\n`);
  return path;
}

function refuse(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', `cnxnspec merge: ${message}`);
}

export function readShardFile(dir: string): ShardFile {
  const path = join(dir, SHARD_FILE);
  if (!existsSync(path)) throw refuse(`${dir} holds no ${SHARD_FILE}; give the folders that \`cnxnspec test --shard i/n --out <dir>\` wrote`);
  let file: ShardFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as ShardFile;
  } catch (err) {
    throw refuse(`${path} is not JSON (${(err as Error).message})`);
  }
  if (file?.format !== FORMAT) throw refuse(`${path} is not a shard result (format ${JSON.stringify(file?.format)}, expected ${FORMAT})`);
  return file;
}

/** The first setting in which two shards differ, said so that the user sees which runs do not belong together. */
function checkSame(files: readonly { dir: string; file: ShardFile }[], own: Pick<ShardSettings, 'versions'>): void {
  const [first, ...rest] = files;
  const keys = Object.keys(first!.file.settings) as (keyof ShardSettings)[];
  for (const other of rest) {
    for (const key of keys) {
      const a = JSON.stringify(first!.file.settings[key]);
      const b = JSON.stringify(other.file.settings[key]);
      if (a !== b) throw refuse(`the shards are not of one search: ${key} is ${a} in ${first!.dir} but ${b} in ${other.dir}; merge only shards run with the same factory, versions, profile, seed, strategy, budgets and expectations`);
    }
    if (other.file.shard.count !== first!.file.shard.count) {
      throw refuse(`${first!.dir} is shard ${shardText(first!.file.shard)} but ${other.dir} is shard ${shardText(other.file.shard)}: the shards of one search share n`);
    }
  }
  const mine = JSON.stringify(own.versions);
  if (JSON.stringify(first!.file.settings.versions) !== mine) {
    throw refuse(`the shards ran with versions ${JSON.stringify(first!.file.settings.versions)} but this merge runs with ${mine}; merge with the cnxnspec, Node.js and fast-check the shards ran`);
  }
}

function checkComplete(files: readonly { dir: string; file: ShardFile }[]): void {
  const count = files[0]!.file.shard.count;
  const byIndex = new Map<number, string>();
  for (const { dir, file } of files) {
    const seen = byIndex.get(file.shard.index);
    if (seen !== undefined) throw refuse(`overlapping shards: ${seen} and ${dir} are both shard ${shardText(file.shard)}`);
    byIndex.set(file.shard.index, dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw refuse(`incomplete: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; every shard 1/${count} .. ${count}/${count} must be given once`);
}

export interface Merged {
  readonly result: ConformanceResult;
  readonly settings: ShardSettings;
  readonly startedAt: Date;
}

/** The shards' results as one: the same as the unsharded run's, apart from timings. */
export function mergeShards(files: readonly { dir: string; file: ShardFile }[], own: Pick<ShardSettings, 'versions'>): Merged {
  if (files.length === 0) throw refuse('give the folders of every shard');
  checkSame(files, own);
  checkComplete(files);
  const settings = files[0]!.file.settings;
  const record: SearchRecord = {
    completed: files.flatMap((f) => f.file.record.completed).sort((a, b) => a.from - b.from),
    failed: files.flatMap((f) => f.file.record.failed).sort((a, b) => a.index - b.index),
    shrunk: files.flatMap((f) => f.file.record.shrunk),
  };
  const outcomes = files.find((f) => f.file.shard.index === 1)!.file.outcomes ?? [];
  const expectations: Expectations = new Map(settings.expectations);
  const options = {
    profile: profileNamed(settings.profile),
    ...(settings.only !== null ? { only: new RegExp(settings.only) } : {}),
    ...(settings.expectations.length > 0 ? { expectations } : {}),
  };
  const durationMs = Math.max(...files.map((f) => f.file.durationMs));
  const result = judgeAll(options, outcomes, { ...walk(record, settings.maxFailures), record }, durationMs);
  const startedAt = new Date(Math.min(...files.map((f) => Date.parse(f.file.startedAt))));
  return { result, settings, startedAt };
}
