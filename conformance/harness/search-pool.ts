/**
 * The search on N workers (guarded-worker.ts). Blocks of runs (search-slice.ts) are handed out in run order to
 * whichever worker is free; which worker ran a block changes nothing, since run i is the same case anywhere and
 * the failures are picked afterwards by run index (search-walk.ts). A run that hangs ends the search at that run:
 * blocks after it are not handed out, blocks before it finish. Then the failing runs the walk may pick are shrunk,
 * again spread over the workers. Without a time budget running out, the record is the same for any N.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import { GuardedWorker } from './guarded-worker.ts';
import { shuffleSeed, type Progress } from './run-suite.ts';
import { drawAt } from './search-block.ts';
import { blocksOf, type Block, type Shard } from './search-slice.ts';
import { workerV8Flags } from './worker-flags.ts';
import { candidates, WATCHDOG_CLASS, type FailedRun, type FindingClass, type SearchRecord, type ShrunkFailure } from './search-walk.ts';
import { encodeSuiteToken, type StrategyName } from './suite-token.ts';

export interface PoolOptions {
  readonly factoryPath?: string;
  readonly seed: number;
  readonly strategy: StrategyName;
  /** RegExp source: the requirements whose findings count (profile and --only). */
  readonly only?: string;
  readonly runs: number;
  readonly shard: Shard;
  readonly workers: number;
  readonly timeBudgetMs: number;
  readonly shrinkBudgetMs?: number;
  readonly maxFailures: number;
  /** The profile's name (profile.ts): its own invariants are judged in every worker too; absent: nio. */
  readonly profile?: string;
  readonly stallMs: number;
  /** V8 flags for the workers; absent: chosen from the number of workers and cores (worker-flags.ts). */
  readonly v8Flags?: readonly string[];
  readonly onProgress?: (progress: Progress & { readonly workers: number }) => void;
}

/** Findings on the target's requirements (those the search counts) are what its shrinking keeps. */
function exact(target: FindingClass, only: string | undefined): string {
  const counted = only ? target.requirements.filter((id) => new RegExp(only).test(id)) : target.requirements;
  const ids = counted.length > 0 ? counted : target.requirements;
  return `^(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|')})$`;
}

/** The watchdog's failure for a run that hung in a block, named by the scenario drawn for its index. */
function hung(options: PoolOptions, index: number): ShrunkFailure {
  const { scenario, schedule } = drawAt(options.seed, options.strategy, index);
  const seed = shuffleSeed(scenario);
  const failure = {
    finding: {
      requirements: [...WATCHDOG_CLASS.requirements],
      source: WATCHDOG_CLASS.source,
      message: `the factory stopped answering for ${options.stallMs} ms in a run (a synchronous loop, or a wait the runtime cannot see); the process was killed`,
      evidence: [],
    },
    others: [],
    scenario,
    schedule,
    trace: [],
    token: encodeSuiteToken({ form: 'explicit', scenario, schedule, seed }),
    shrinks: 0,
    firstTraceLength: 0,
    runsToFailure: index + 1,
  };
  return { index, target: WATCHDOG_CLASS, failure };
}

export async function searchInPool(options: PoolOptions): Promise<SearchRecord> {
  const started = Date.now();
  const blocks = blocksOf(options.runs, options.shard);
  const completed: Block[] = [];
  const failed: FailedRun[] = [];
  const shrunk: ShrunkFailure[] = [];
  const workers: GuardedWorker[] = [];
  let ran = 0;
  let shrinking = false;
  const shrinkRuns = new Map<number, Progress>();
  const width = Math.max(1, Math.min(options.workers, blocks.length));
  const v8Flags = options.v8Flags ?? workerV8Flags(width);
  const report = () => {
    const shrinks = [...shrinkRuns.values()];
    const shortest = Math.min(...shrinks.map((p) => p.shortest ?? Infinity));
    options.onProgress?.({
      runs: ran,
      shrinking,
      elapsedMs: Date.now() - started,
      workers: width,
      ...(shrinking ? { shrinkRuns: shrinks.reduce((n, p) => n + (p.shrinkRuns ?? 0), 0), ...(Number.isFinite(shortest) ? { shortest } : {}) } : {}),
    });
  };
  const spawn = (slot: number) => {
    const worker = new GuardedWorker(
      {
        ...(options.factoryPath ? { factoryPath: options.factoryPath } : {}),
        seed: options.seed,
        strategy: options.strategy,
        ...(options.only ? { only: options.only } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
      },
      options.stallMs,
      v8Flags,
      () => {
        ran += 1;
        report();
      },
      (progress) => {
        shrinkRuns.set(slot, progress);
        report();
      },
    );
    workers.push(worker);
    return worker;
  };
  try {
    let next = 0;
    let stopAt = Infinity;
    const lane = async (slot: number) => {
      const worker = spawn(slot);
      for (;;) {
        const block = blocks[next];
        if (!block || block.from > stopAt || Date.now() - started >= options.timeBudgetMs) return;
        next += 1;
        const outcome = await worker.block(block);
        completed.push({ from: block.from, count: outcome.ran });
        failed.push(...outcome.failed);
        if (outcome.stalledAt !== undefined) {
          stopAt = Math.min(stopAt, outcome.stalledAt);
          failed.push({ index: outcome.stalledAt, classes: [WATCHDOG_CLASS], stalled: true });
          shrunk.push(hung(options, outcome.stalledAt));
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: width }, (_, slot) => lane(slot)));
    failed.sort((a, b) => a.index - b.index);

    shrinking = true;
    const todo = candidates(failed, options.shard.count > 1, options.maxFailures);
    let taken = 0;
    const shrinkLane = async (slot: number) => {
      let worker = workers.find((w, i) => i % width === slot && w.alive);
      for (;;) {
        const job = todo[taken];
        if (!job) return;
        taken += 1;
        worker = worker?.alive ? worker : spawn(slot);
        shrunk.push(await shrinkOne(worker, job.index, job.target, options));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(width, todo.length)) }, (_, slot) => shrinkLane(slot)));
  } finally {
    for (const worker of workers) worker.close();
  }
  completed.sort((a, b) => a.from - b.from);
  shrunk.sort((a, b) => a.index - b.index);
  return { completed, failed, shrunk };
}

async function shrinkOne(worker: GuardedWorker, index: number, target: FindingClass, options: PoolOptions): Promise<ShrunkFailure> {
  const result = await worker.shrink(index, exact(target, options.only), target.source, options.shrinkBudgetMs);
  if (!result.failure) {
    throw new CnxnspecError(
      'CNXNSPEC_ERR_SIM',
      `run ${index} of seed ${options.seed} failed (${target.source}: ${target.requirements.join(', ')}) in the search but passed when run again to shrink it: ` +
        'the factory does not behave the same in the same case (does it keep state between instances, or read the clock or Math.random?)',
    );
  }
  return { index, target, failure: result.failure, ...(result.notJudged ? { notJudged: result.notJudged } : {}) };
}
