/**
 * V8 flags for the search's worker processes. A worker is one JavaScript thread, but V8 adds helper threads of
 * its own: optimising compilation runs concurrently, and the garbage collector marks and scavenges in parallel.
 * Measured on 2 cores (docs/scaling.md, "Why one worker is more than one core"), one worker's helpers take about
 * 40% of its CPU time, on the other core: that makes one worker faster than it would be alone on one core.
 * Once there are as many workers as cores, there is no spare core: each worker's helpers take time from the other
 * workers, and the helpers' work costs more in all than doing it on the worker's own thread (handing jobs over,
 * compiling speculatively, GC threads waiting for each other). `--single-threaded` keeps all of V8's work on the
 * worker's own thread: 17% less CPU per run there, so N workers on N cores make more runs per second in all.
 * With cores to spare, the helpers run beside the workers for free, so the flags are left as they are.
 * Which flags a worker runs under changes its speed only: every run is the same case with the same verdict.
 */

import os from 'node:os';

export function workerV8Flags(workers: number, cores: number = os.availableParallelism()): string[] {
  return workers >= cores ? ['--single-threaded'] : [];
}
