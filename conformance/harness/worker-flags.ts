/**
 * V8 flags for the search's worker processes. A worker is one JavaScript thread, but V8 adds helper threads of
 * its own: optimising compilation runs concurrently, and the garbage collector marks and scavenges in parallel.
 * Measured on 2 cores (docs/scaling.md, "Why one worker is more than one core"), one search process spends about
 * a third of its CPU time on those helpers, on the other core: that makes one worker faster than it would be
 * alone on one core. Once there are as many workers as cores there is no spare core: each worker's helpers take
 * their time from the other workers, and in all the helpers cost more than the same work on the worker's own
 * thread (1,500 runs took 9.87 CPU-seconds with them, 7.97 without). `--single-threaded` keeps all of V8's work
 * on the worker's thread, so N workers on N cores make more runs per second in all. With cores to spare, the
 * helpers run beside the workers for free, and no flag is given.
 * The flags change a worker's speed only: every run is the same case, with the same verdict, under any of them.
 */

import os from 'node:os';

/** The flags for `workers` worker processes on a machine with `cores` cores. */
export function workerV8Flags(workers: number, cores: number = os.availableParallelism()): string[] {
  return workers >= cores ? ['--single-threaded'] : [];
}
