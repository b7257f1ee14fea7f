/**
 * Which failures a search reports, decided from what its runs found, whatever ran them and in whatever order.
 * The walk goes through the failing runs by run index: a run whose findings name a requirement that no failure
 * reported so far names (the "target": its first such finding) becomes the next failure, shrunk from that run
 * towards that finding; the others only repeat what is known. The walk ends at the first run that hung (the
 * watchdog killed its worker), at a factory that never started, or at the maxFailures-th failure; the runs
 * counted are those up to there. Since each decision depends only on the runs before it, N workers or n shards
 * give the same failures, the same shrunk cases and the same replay lines as one worker.
 *
 * A shard sees only its own runs, so it cannot know which of its failing runs the whole search will pick; it
 * picks with what it knows (`candidates`), which is never fewer: the requirements it has seen fail are a subset
 * of those the whole search has seen fail by the same run index, so a run the whole search picks is one the
 * shard picks, and the shard shrinks every finding such a run might be picked for.
 */

import type { Failure } from './run-suite.ts';
import type { Block } from './search-slice.ts';

/** A finding reduced to what the walk compares: where it came from and what it broke. */
export interface FindingClass {
  readonly source: string;
  readonly requirements: readonly string[];
}

/** A run that found something (counting only the profile's and --only's requirements). */
export interface FailedRun {
  readonly index: number;
  readonly classes: readonly FindingClass[];
  /** It never returned: the watchdog killed its worker. */
  readonly stalled?: boolean;
}

/** A failing run shrunk towards one of its findings. */
export interface ShrunkFailure {
  readonly index: number;
  readonly target: FindingClass;
  readonly failure: Failure;
  /** Why nothing else could be judged (the factory never started). */
  readonly notJudged?: string;
}

/** What a search (or a shard of one) saw. */
export interface SearchRecord {
  /** The runs that ran, as ranges. */
  readonly completed: readonly Block[];
  /** Sorted by index. */
  readonly failed: readonly FailedRun[];
  readonly shrunk: readonly ShrunkFailure[];
}

export interface Walked {
  readonly runs: number;
  readonly failures: Failure[];
  /** Requirement to the index of the failure that broke it first. */
  readonly failedBy: Map<string, number>;
  readonly notJudged?: string;
}

export const WATCHDOG_CLASS: FindingClass = { source: 'watchdog', requirements: ['factory.host-runtime-only'] };

export function shrinkKey(index: number, target: FindingClass): string {
  return `${index}\u0000${target.source}\u0000${target.requirements.join(',')}`;
}

function fresh(run: FailedRun, seen: ReadonlySet<string>): FindingClass[] {
  return run.classes.filter((c) => c.requirements.some((id) => !seen.has(id)));
}

/** The failing runs up to and including the first that hung, in run order. */
function walked(failed: readonly FailedRun[]): FailedRun[] {
  const sorted = [...failed].sort((a, b) => a.index - b.index);
  const hung = sorted.findIndex((r) => r.stalled);
  return hung < 0 ? sorted : sorted.slice(0, hung + 1);
}

/**
 * The (run, finding) pairs to shrink. With `all` (a shard), every finding of a picked run that is new to the
 * shard, since the whole search may have seen the first of them fail elsewhere; without (the whole search), only
 * the target, and no more than maxFailures of them.
 */
export function candidates(failed: readonly FailedRun[], all: boolean, maxFailures: number): { index: number; target: FindingClass }[] {
  const seen = new Set<string>();
  const picked: { index: number; target: FindingClass }[] = [];
  let chosen = 0;
  for (const run of walked(failed)) {
    const targets = fresh(run, seen);
    if (targets.length === 0 || run.stalled) continue;
    for (const target of all ? targets : targets.slice(0, 1)) picked.push({ index: run.index, target });
    for (const id of targets[0]!.requirements) seen.add(id);
    if (!all && ++chosen >= maxFailures) break;
  }
  return picked;
}

/** The search's failures and run count from everything its runs saw (one record, or the shards' together). */
export function walk(record: SearchRecord, maxFailures: number): Walked {
  const shrunk = new Map(record.shrunk.map((s) => [shrinkKey(s.index, s.target), s]));
  const seen = new Set<string>();
  const failures: Failure[] = [];
  const failedBy = new Map<string, number>();
  let end = Infinity;
  let notJudged: string | undefined;
  for (const run of walked(record.failed)) {
    const target = fresh(run, seen)[0];
    if (run.stalled) end = run.index;
    if (!target) continue;
    const found = shrunk.get(shrinkKey(run.index, target));
    if (!found) throw new Error(`no shrunk failure of run ${run.index} for ${target.source} (${target.requirements.join(', ')})`);
    failures.push(found.failure);
    for (const id of found.failure.finding.requirements) if (!failedBy.has(id)) failedBy.set(id, failures.length - 1);
    for (const id of target.requirements) seen.add(id);
    notJudged = found.notJudged;
    if (notJudged || run.stalled || failures.length >= maxFailures) {
      end = run.index;
      break;
    }
  }
  const runs = record.completed.reduce((n, b) => n + Math.max(0, Math.min(b.from + b.count, end + 1) - b.from), 0);
  return { runs, failures, failedBy, ...(notJudged ? { notJudged } : {}) };
}
