/**
 * The scheduler's one question, injected (awslabs/shuttle, fast-check's scheduler): which of the runnable actors
 * runs next. One strategy per file: random-walk.ts, pct.ts (PCT) and pos.ts (partial order sampling).
 */

export interface SchedulingStrategy {
  /** For messages: `random-walk`, `pct d=2`. */
  readonly name: string;
  /**
   * Index into `runnable`, which holds the names of the actors that can take a step now, in a deterministic
   * order (creation order of threads and peers). `step` counts scheduling decisions from 0 for the simulation.
   */
  pick(runnable: readonly string[], step: number): number;
  /**
   * How a replay token names this strategy (`r`, `p2`) and the choices it reads; absent when the strategy
   * cannot be named, in which case the token replays the recorded picks as a random walk.
   */
  readonly token?: StrategyToken;
}

export interface StrategyToken {
  /** `r` for random walk, `p<d>` for PCT with depth d, `o` for POS. */
  readonly code: string;
  /** The explicit choices; undefined when the strategy draws them from the seeded PRNG. */
  readonly choices: readonly number[] | undefined;
}
