/**
 * How the runs of a search are cut up. Run i is fast-check's i-th draw for the seed (the same scenario and
 * schedule whoever runs it), so runs can go to any worker or machine. They go in blocks of BLOCK_RUNS: block b
 * holds runs [b*BLOCK_RUNS, (b+1)*BLOCK_RUNS); shard i of n takes the blocks b with b mod n = i-1, so every shard
 * gets runs from the whole range (early and late runs differ: fast-check's bias grows with the run index) and
 * the shards of a search cover every run exactly once.
 */

import { CnxnspecError } from '../../spec/errors.ts';

/** Small enough that a time budget or a failure wastes little, large enough that handing one out costs nothing. */
export const BLOCK_RUNS = 25;

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export interface Block {
  readonly from: number;
  readonly count: number;
}

/** The blocks of runs [0, runs) that belong to `shard`, in run order. */
export function blocksOf(runs: number, shard: Shard): Block[] {
  const blocks: Block[] = [];
  for (let b = shard.index - 1; b * BLOCK_RUNS < runs; b += shard.count) {
    const from = b * BLOCK_RUNS;
    blocks.push({ from, count: Math.min(BLOCK_RUNS, runs - from) });
  }
  return blocks;
}

/** Parses `i/n` as given to --shard. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `--shard ${text} is not i/n with 1 <= i <= n (e.g. --shard 2/4 runs the second of four shards)`);
  }
  return { index, count };
}

export function shardText(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
