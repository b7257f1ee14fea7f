/**
 * How a run is scheduled: a random walk over a choices array, or PCT with its priorities and change points.
 * Both are plain arrays that fast-check draws and shrinks together with the scenario.
 */

import { pct, pos, randomWalk, type SchedulingStrategy } from '../sim/index.ts';

export type Schedule =
  | { readonly kind: 'random'; readonly choices: readonly number[] }
  | { readonly kind: 'pct'; readonly depth: number; readonly changePoints: readonly number[]; readonly priorities: readonly number[] }
  | { readonly kind: 'pos'; readonly draws: readonly number[] };

export function strategyOf(schedule: Schedule): SchedulingStrategy {
  if (schedule.kind === 'pos') return pos(schedule.draws);
  return schedule.kind === 'random'
    ? randomWalk(schedule.choices)
    : pct({ depth: schedule.depth, changePoints: schedule.changePoints, priorities: schedule.priorities });
}

export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'pos') return `pos over ${schedule.draws.length} priority draws`;
  return schedule.kind === 'random'
    ? `random walk over ${schedule.choices.length} choices`
    : `pct d=${schedule.depth}, change points ${schedule.changePoints.join(', ') || 'none'}`;
}
