/**
 * A failure as people read it on a terminal: the requirement and what went wrong, the shrunk interleaving as a
 * table with the evidence marked, and the one line that replays it.
 */

import { causalSlice } from './causal-slice.ts';
import { renderInterleaving } from './interleaving-table.ts';
import type { Failure } from './run-suite.ts';
import { describeSchedule } from './schedule.ts';

export interface ReportContext {
  /** How the user named the factory on the command line, for the replay line (absent: the reference). */
  readonly factoryArg?: string;
  /** The profile the run judged under (absent: nio). */
  readonly profile?: string;
  readonly maxRows?: number;
}

/**
 * The flags that name the factory and its profile, so that a command run again judges the same requirements. The
 * profile is named for every loaded module: the module may declare a profile other than the one the run used.
 */
export function factoryFlags(context: Pick<ReportContext, 'factoryArg' | 'profile'>): string {
  const profile = context.profile ?? 'nio';
  return `${context.factoryArg ? ` --factory ${context.factoryArg}` : ''}${context.factoryArg || profile !== 'nio' ? ` --profile ${profile}` : ''}`;
}

export function replayCommand(token: string, context: Pick<ReportContext, 'factoryArg' | 'profile'> = {}): string {
  return `npx cnxnspec test${factoryFlags(context)} --replay ${token}`;
}

export function renderFailure(failure: Failure, context: ReportContext = {}): string {
  const { finding } = failure;
  const ids = finding.requirements.join(', ');
  const events = finding.evidence.length ? ` (events ${finding.evidence.join(', ')})` : '';
  const took = failure.shrinkMs === undefined ? '' : ` in ${(failure.shrinkMs / 1000).toFixed(1)} s`;
  const shrunk = failure.shrinks > 0 ? ` (shrunk from ${failure.firstTraceLength} events, ${failure.shrinks} runs${took})` : '';
  const lines = [
    `FAIL [${ids}] ${finding.message}${events}`,
    `  found by ${finding.source} after ${failure.runsToFailure} run(s); ${failure.scenario.peers.length} peer(s), ` +
      `${failure.scenario.config.selectors} selector(s), ${failure.scenario.config.workers} worker(s)`,
    `shortest failing interleaving found: ${failure.trace.length} events${shrunk}, ${describeSchedule(failure.schedule)}`,
  ];
  if (failure.trace.length > 0) {
    const related = causalSlice(failure.trace, finding.evidence);
    lines.push(renderInterleaving(failure.trace, { highlight: finding.evidence, maxRows: context.maxRows ?? 40, related }));
  }
  for (const other of failure.others.slice(0, 3)) lines.push(`  also [${other.requirements.join(', ')}] ${other.message}`);
  lines.push(`replay: ${replayCommand(failure.token, context)}`);
  return lines.join('\n');
}
