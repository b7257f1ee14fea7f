/**
 * docs/kill-matrix.md from the kill matrix's outcomes: per family a summary by strategy, a mutant x strategy
 * table that says for each cell what killed it or why nothing did, the invariants that flag the shrunk cases, and
 * how shrinking did (time, shrunk against original length). See kill-matrix.ts.
 */

import { invariants } from '../spec/invariants/index.ts';
import { JUDGING } from '../spec/judging.ts';
import { strategyText, type StrategyName } from '../conformance/harness/suite-token.ts';
import { HARNESS, type ChecksOutcome, type Kill, type Outcome, type SearchOutcome, type Task } from './kill-matrix-attempt.ts';
import { FAMILIES, FAMILY_TITLES, keyOf, type Family, type Mutant } from './kill-matrix-families.ts';
import { MISS_REASONS } from './kill-matrix-reasons.ts';

export const STRATEGIES: readonly StrategyName[] = [{ kind: 'random' }, { kind: 'pct', depth: 2 }, { kind: 'pct', depth: 3 }, { kind: 'pos' }];

export interface MatrixRun {
  readonly mutants: readonly Mutant[];
  readonly outcomes: readonly Outcome[];
  readonly skipped: readonly Task[];
  readonly options: { readonly seeds: number; readonly cap: number; readonly attemptMs: number; readonly budgetMs: number; readonly jobs: number };
  readonly elapsedMs: number;
}

export function strategyLabel(s: StrategyName): string {
  if (s.kind === 'pos') return 'POS';
  return s.kind === 'random' ? 'random walk' : `PCT d=${s.depth}`;
}

/** Every kill whose shrunk case is longer than the first failing run, as a line naming it. */
export function shrinkViolations(outcomes: readonly Outcome[]): string[] {
  return searches(outcomes)
    .filter((o) => o.kill && o.kill.shrunkLength > o.kill.originalLength)
    .map((o) => `${o.task.key} ${strategyText(o.task.strategy)} seed ${o.task.seed}: shrunk ${o.kill?.shrunkLength} events from ${o.kill?.originalLength} (${o.kill?.token})`);
}

function searches(outcomes: readonly Outcome[]): SearchOutcome[] {
  return outcomes.filter((o): o is SearchOutcome => o.kind === 'search');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function spread(values: readonly number[]): string {
  if (values.length === 0) return '-';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo}` : `${Math.round(median(values))} (${lo}–${hi})`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function tally(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([item, n]) => (counts.size > 1 ? `${item} ×${n}` : item)).join(', ');
}

/** The requirement IDs a mutant's `breaks` names. */
function idsOf(m: Mutant): string[] {
  return m.breaks.match(/[a-z]+\.[a-z0-9-]+/g) ?? [];
}

/** A kill whose shrunk case breaks none of the requirements the mutant's defect breaks: another finding. */
function offTarget(m: Mutant, k: Kill): boolean {
  const ids = idsOf(m);
  return ids.length > 0 && !k.requirements.some((id) => ids.includes(id));
}

class View {
  constructor(private readonly run: MatrixRun) {}

  of(m: Mutant, s?: StrategyName): SearchOutcome[] {
    return searches(this.run.outcomes).filter((o) => o.task.key === keyOf(m) && (!s || strategyText(o.task.strategy) === strategyText(s)));
  }

  checks(m: Mutant): ChecksOutcome | undefined {
    return this.run.outcomes.find((o): o is ChecksOutcome => o.kind === 'checks' && o.task.key === keyOf(m));
  }

  skipped(m: Mutant, s: StrategyName): number {
    return this.run.skipped.filter((t) => t.kind === 'search' && t.key === keyOf(m) && strategyText(t.strategy) === strategyText(s)).length;
  }

  /** Why no seed of strategy `s` killed `m` (the budget spent is in `tried`). */
  whyNot(m: Mutant, s: StrategyName): string {
    const known = MISS_REASONS[m.name]?.[strategyText(s)] ?? MISS_REASONS[m.name]?.['*'];
    if (known) return known;
    if (this.of(m).some((o) => o.kill)) return 'missed within the budget; other strategies kill it';
    if (m.survives) return `the search cannot: ${m.survives}`;
    const ids = idsOf(m);
    const unsearched = ids.filter((id) => {
      const by = JUDGING[id]?.by;
      return Array.isArray(by) && !by.includes('simulation');
    });
    const checks = this.checks(m)?.failed ?? [];
    if (unsearched.length && unsearched.length === ids.length) {
      const by = unsearched.map((id) => `${id} by ${(JUDGING[id]?.by as readonly string[]).join(' and ')}`).join('; ');
      return `the search cannot: spec/judging.ts judges ${by} checks, not by the search${checks.length ? `; rejected by ${checks.join(', ')}` : ''}`;
    }
    return `not found within the budget${checks.length ? `; rejected by ${checks.join(', ')}` : ''}`;
  }

  cell(m: Mutant, s: StrategyName): string {
    const all = this.of(m, s);
    const errors = all.filter((o) => o.error).length;
    const tried = all.filter((o) => !o.error);
    const skipped = this.skipped(m, s) + errors;
    if (tried.length === 0) return skipped ? `not run (${errors ? 'error' : 'budget'})` : '-';
    const killed = tried.filter((o) => o.kill);
    const more = skipped ? ` (+${skipped} not run)` : '';
    if (killed.length === 0) return `**0/${tried.length}**${more}`;
    const k = killed.map((o) => o.kill!);
    const off = k.filter((x) => offTarget(m, x)).length;
    return (
      `${killed.length}/${tried.length}${off ? ` (${off}†)` : ''}${more} · runs ${spread(k.map((x) => x.runsToFailure))} · ` +
      `${spread(k.map((x) => x.shrunkLength))}/${spread(k.map((x) => x.originalLength))} ev · ${seconds(median(k.map((x) => x.shrinkMs)))}`
    );
  }
}

function familySummary(view: View, run: MatrixRun, family: Family): string[] {
  const mutants = run.mutants.filter((m) => m.family === family);
  if (mutants.length === 0) return [];
  const kills = mutants.flatMap((m) => view.of(m).flatMap((o) => (o.kill ? [o.kill] : [])));
  const ratio = kills.length ? Math.max(...kills.map((k) => k.shrunkLength / k.originalLength)) : 0;
  const row = (s: StrategyName): string => {
    const tried = mutants.flatMap((m) => view.of(m, s));
    const killedMutants = mutants.filter((m) => view.of(m, s).some((o) => o.kill)).length;
    const k = tried.flatMap((o) => (o.kill ? [o.kill] : []));
    return `| ${strategyLabel(s)} | ${killedMutants}/${mutants.length} | ${k.length}/${tried.length} | ${k.length ? seconds(median(k.map((x) => x.shrinkMs))) : '-'} |`;
  };
  const checked = mutants.filter((m) => view.checks(m)?.failed.length).length;
  const any = mutants.filter((m) => view.of(m).some((o) => o.kill) || view.checks(m)?.failed.length).length;
  const shrinking = kills.length
    ? ` Over ${kills.length} kills shrinking took a median of ${seconds(median(kills.map((k) => k.shrinkMs)))} ` +
      `(max ${seconds(Math.max(...kills.map((k) => k.shrinkMs)))}); the shrunk case was at most ${(100 * ratio).toFixed(0)}% ` +
      `of its first failing run's length (median ${(100 * median(kills.map((k) => k.shrunkLength / k.originalLength))).toFixed(0)}%).`
    : '';
  return [
    `| strategy | mutants killed (any seed) | attempts killed | median shrink time |`,
    '|---|---|---|---|',
    ...STRATEGIES.map(row),
    '',
    `Harness and wire checks reject ${checked}/${mutants.length}; the search or the checks reject ${any}/${mutants.length}.${shrinking}`,
  ];
}

function familyTable(view: View, run: MatrixRun, family: Family): string[] {
  const mutants = run.mutants.filter((m) => m.family === family);
  const lines = [
    `| mutant | ${STRATEGIES.map(strategyLabel).join(' | ')} | caught by | harness and wire checks |`,
    `|---|${STRATEGIES.map(() => '---').join('|')}|---|---|`,
  ];
  const misses: string[] = [];
  for (const m of mutants) {
    const kills = view.of(m).flatMap((o) => (o.kill ? [o.kill] : []));
    const caught = kills.length ? tally(kills.map((k) => `${k.source} [${k.requirements[0] ?? ''}]`)) : 'nothing';
    const checks = view.checks(m);
    const checkCell = checks === undefined ? (kills.length ? 'not needed' : 'not run') : checks.failed.length ? `reject: ${checks.failed.join('; ')}` : 'pass';
    lines.push(`| ${m.name} | ${STRATEGIES.map((s) => view.cell(m, s)).join(' | ')} | ${caught} | ${checkCell} |`);
    const missed = STRATEGIES.filter((s) => view.of(m, s).length && !view.of(m, s).some((o) => o.kill));
    const byReason = new Map<string, string[]>();
    for (const s of missed) byReason.set(view.whyNot(m, s), [...(byReason.get(view.whyNot(m, s)) ?? []), strategyLabel(s)]);
    const rejected = kills.length > 0 || Boolean(checks?.failed.length);
    for (const [reason, labels] of byReason) {
      const which = labels.length === STRATEGIES.length ? 'every strategy' : labels.join(', ');
      const runs = labels.flatMap((l) => view.of(m, STRATEGIES.find((s) => strategyLabel(s) === l)!).map((o) => o.runs));
      misses.push(`- **${m.name}**, ${which}: ${reason} (${Math.min(...runs)} to ${Math.max(...runs)} runs per attempt)${rejected ? '' : '. **Nothing in the suite rejects it.**'}`);
    }
  }
  if (misses.length) lines.push('', 'Why a strategy did not kill a mutant:', '', ...misses);
  const off = mutants.flatMap((m) =>
    view.of(m).flatMap((o) =>
      o.kill && offTarget(m, o.kill) ? [`- ${m.name}, ${strategyLabel(o.task.strategy)} seed ${o.task.seed}: ${o.kill.source} [${o.kill.requirements.join(', ')}], replay \`${o.kill.token.length > 80 ? `${o.kill.token.slice(0, 80)}…` : o.kill.token}\``] : [],
    ),
  );
  if (off.length) {
    lines.push('', `† Killed for none of the requirements the mutant breaks (as its header or index entry names them): a finding of the base factory or a side effect of the defect, not the defect's own:`, '', ...off);
  }
  return lines;
}

function invariantTable(view: View, run: MatrixRun): string[] {
  const columns = [...invariants.map((i) => i.name as string), HARNESS];
  const rows = run.mutants
    .map((m) => ({ m, kills: view.of(m).flatMap((o) => (o.kill ? [o.kill] : [])) }))
    .filter(({ kills }) => kills.length > 0)
    .map(({ m, kills }) => ({ m, kills, counts: columns.map((c) => kills.filter((k) => k.flagged.includes(c)).length) }));
  // Columns no kill touched carry nothing; leaving them out keeps the table readable.
  const used = columns.flatMap((c, i) => (rows.some((r) => r.counts[i]) ? [i] : []));
  return [
    `| mutant | kills | ${used.map((i) => columns[i]).join(' | ')} |`,
    `|---|---|${used.map(() => '---').join('|')}|`,
    ...rows.map(({ m, kills, counts }) => `| ${keyOf(m)} | ${kills.length} | ${used.map((i) => (counts[i] ? `${counts[i]}/${kills.length}` : '')).join(' | ')} |`),
  ];
}

/** What each column's strategy does, and what was learnt about PCT (conformance/sim/pct.ts has the details). */
const STRATEGY_NOTES: readonly string[] = [
  '## The strategies',
  '',
  '- **Random walk** (sim/random-walk.ts): every step picks a runnable actor from the drawn choices.',
  '- **PCT d=2, d=3** (sim/pct.ts): random distinct priorities, the highest runnable actor runs, and at d-1 change ' +
    'points the actor about to run drops below all others. Change points count *preemption opportunities* (a step ' +
    'where the actor that ran before would run again while another could), not steps, and are drawn mostly below 64 ' +
    '(a run has a median of ~50 such opportunities in ~150 steps). Why: `selectable-after-restore` needs exactly one ' +
    'preemption at one place, a worker between its updateQueue offer and its wakeup while its selector thread, still ' +
    'in the loop that handed the IO out, polls that queue; the worker must also outrank the selector thread. With change ' +
    'points counted in steps and drawn up to 600 (or 4,000), most fell past the end of the run and the rest hit that ' +
    'one step about once in 2,000 runs: d=2 killed it on 1 seed of 5, d=3 on 2. Priorities alone (d=1) cannot: the ' +
    'worker runs its offer and wakeup back to back unless something preempts it. Counted in opportunities and drawn ' +
    'where runs have them, one change point hits it often enough for d=2 and d=3 to kill it on every seed.',
  '- **POS** (sim/pos.ts): partial order sampling; every actor holds a random priority and only the one that ran ' +
    'draws a new one, so a thread that drew low stays delayed across a whole exchange of the others.',
];

/** `cnxnspec test`'s own time limit per search, which a run on a shared machine may raise so that runs, not time, bound it. */
const DEFAULT_ATTEMPT_MS = 120_000;

/** Said when the run raised the time limit: whether runs still bound every attempt, as on a quiet machine. */
function budgetNote(attemptMs: number, searches: readonly SearchOutcome[], cap: number): string {
  if (attemptMs === DEFAULT_ATTEMPT_MS) return '';
  const cut = searches.filter((o) => !o.kill && o.runs < cap).length;
  return (
    `; this run allowed ${attemptMs / 1000} s of searching per attempt, since the machine was shared, so that ${cap} runs bound ` +
    `each attempt as they do on a quiet machine: ${cut === 0 ? 'no attempt reached the time limit' : `${cut} attempt(s) reached the time limit first`}`
  );
}

export function renderMatrix(run: MatrixRun): string {
  const view = new View(run);
  const { options } = run;
  const all = searches(run.outcomes);
  const runs = all.reduce((n, o) => n + o.runs, 0);
  const searchMs = all.reduce((n, o) => n + o.ms - (o.kill?.shrinkMs ?? 0), 0);
  const violations = shrinkViolations(run.outcomes);
  const lines: string[] = [
    '# Kill matrix',
    '',
    '<!-- Generated by bench/kill-matrix.ts; do not edit by hand. -->',
    '',
    `Every mutant factory of three families, each with one planted defect, against the suite's search under each ` +
      `strategy, seeds 1..${options.seeds}, at the default budget of \`cnxnspec test\` (${options.cap} runs or ` +
      `${DEFAULT_ATTEMPT_MS / 1000} s of searching, then at most 10 s of shrinking${budgetNote(options.attemptMs, all, options.cap)}), findings counted only on requirements the ` +
      `family's profile judges; and the harness and wire checks of each mutant that seed 1 of the search did not kill ("not needed" for the others). ${run.outcomes.length} attempts in ` +
      `${(run.elapsedMs / 1000).toFixed(0)} s on ${options.jobs} process(es), ${((runs / Math.max(1, searchMs)) * 1000).toFixed(1)} runs/s ` +
      `per process while searching${run.skipped.length ? `; ${run.skipped.length} attempts did not run within the ${options.budgetMs / 1000} s budget` : ''}. ` +
      '`npx tsx bench/kill-matrix.ts` rewrites this file; new mutant files are found on their own.',
    '',
    'Cells: seeds that killed it / seeds tried · runs to the first failure, median (min–max) · shrunk / original length ' +
      'of the failing run in events, medians (min–max) · median shrink time. "Caught by" is the first finding of the shrunk ' +
      'cases over all strategies and seeds (invariant or harness, with the first requirement). With one seed, run n draws ' +
      'the same scenario under every strategy (only the schedule differs), so a defect that shows on every interleaving ' +
      'of a scenario has the same numbers in every column.',
    '',
  ];
  lines.push(...STRATEGY_NOTES, '');
  const errors = all.filter((o) => o.error);
  if (errors.length) {
    lines.push('## Attempts the harness could not finish', '', ...errors.map((o) => `- ${o.task.key} ${strategyLabel(o.task.strategy)} seed ${o.task.seed}: ${o.error}`), '');
  }
  if (violations.length) lines.push('## SHRINKER BUG: shrunk cases longer than their run', '', ...violations.map((v) => `- ${v}`), '');
  for (const family of FAMILIES) {
    if (!run.mutants.some((m) => m.family === family)) continue;
    lines.push(`## ${FAMILY_TITLES[family]}`, '', ...familySummary(view, run, family), '', ...familyTable(view, run, family), '');
  }
  lines.push(
    '## Mutant × invariant',
    '',
    'Every invariant of `spec/invariants` run over the shrunk trace of each kill, judged where the harness judges it ' +
      '(safety invariants over the whole trace, liveness over the serving phase, stop-ends-everything after shutdown); ' +
      '"harness" counts problems the harness itself reports (a thread died, a method threw, a busy loop, a hang, a ' +
      'wrong or missing answer). Cells: shrunk cases flagged / kills.',
    '',
    ...invariantTable(view, run),
    '',
    '## Mutants',
    '',
    '| mutant | defect | breaks |',
    '|---|---|---|',
    ...run.mutants.map((m) => `| ${keyOf(m)} | ${m.defect.replace(/\|/g, '\\|')} | ${m.breaks} |`),
    '',
  );
  return lines.join('\n');
}
