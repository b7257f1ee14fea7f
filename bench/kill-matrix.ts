/**
 * The kill matrix: how fast the conformance suite kills each mutant factory in fixtures/mutants/, per scheduling
 * strategy, and which invariants flag the shrunk case. Writes docs/kill-matrix.md.
 * Run: npx tsx bench/kill-matrix.ts [--seeds 5] [--cap 3000] [--budget 360] [--jobs 2] [--only a,b]
 *
 * For each mutant x strategy (random walk, PCT d=2, PCT d=3) x seed (1..K) it runs the suite in-process (runSuite)
 * for at most `cap` runs and records the runs to the first failure, the finding that names the shrunk case and the
 * shrunk trace's length; then it runs every invariant of spec/invariants over that trace, judging each where the
 * harness does (safety: the whole trace; liveness: the serving phase; stop-ends-everything: the whole trace).
 * Attempts run in `jobs` child processes; once `budget` seconds have passed no new attempt starts, and the report
 * says which did not run. Progress goes to stdout, one line per attempt.
 */

import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invariants } from '../spec/invariants/index.ts';
import { loadFactory } from '../conformance/harness/factory-module.ts';
import { runSuite, type Failure } from '../conformance/harness/run-suite.ts';
import { peersDoneAt } from '../conformance/harness/scenario.ts';
import { costAllowance } from '../conformance/harness/scenario/cost-allowance.ts';
import { strategyText, type StrategyName } from '../conformance/harness/suite-token.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MUTANTS_DIR = join(root, 'fixtures/mutants');
const OUT = join(root, 'docs/kill-matrix.md');
/** How long the harness lets the factory settle after the peers' last action (SETTLE_MS in run-scenario.ts). */
const SETTLE_MS = 500;
/** Runs stop being drawn after this long in one attempt (shrinking not counted). */
const ATTEMPT_BUDGET_MS = 30_000;
const STRATEGIES: readonly StrategyName[] = [{ kind: 'random' }, { kind: 'pct', depth: 2 }, { kind: 'pct', depth: 3 }, { kind: 'pos' }];
const HARNESS = 'harness';

interface Task {
  readonly mutant: string;
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly cap: number;
}

interface Outcome {
  readonly task: Task;
  readonly ms: number;
  readonly runs: number;
  readonly killed: boolean;
  readonly runsToFailure?: number;
  readonly shrinks?: number;
  readonly traceLength?: number;
  /** The first failing run's trace length, and the wall-clock ms shrinking took. */
  readonly firstTraceLength?: number;
  readonly shrinkMs?: number;
  /** The shrunk case's first finding: invariant name or 'harness', and its requirements. */
  readonly source?: string;
  readonly requirements?: readonly string[];
  /** Invariants (and 'harness') that flag the shrunk case. */
  readonly flagged?: readonly string[];
  readonly token?: string;
}

// --- one attempt (in a child process) ------------------------------------------------------------------------

/** Every invariant over the failure's trace, each judged where the harness judges it; plus harness problems. */
function flaggedBy(failure: Failure): string[] {
  const trace = failure.trace;
  const doneAt = peersDoneAt(failure.scenario) + SETTLE_MS + costAllowance(failure.scenario);
  const stopping = failure.scenario.stopAt !== undefined && failure.scenario.stopAt < doneAt;
  const serving = trace.filter((e) => e.t <= doneAt);
  const flagged = invariants
    .filter((inv) => {
      if (inv.kind === 'safety') return inv.check(trace, { atQuiescence: false }).length > 0;
      if (inv.name === 'stop-ends-everything') return inv.check(trace, { atQuiescence: true }).length > 0;
      return !stopping && inv.check(serving, { atQuiescence: true }).length > 0;
    })
    .map((inv) => inv.name as string);
  if ([failure.finding, ...failure.others].some((f) => f.source === HARNESS)) flagged.push(HARNESS);
  return flagged;
}

async function attempt(task: Task): Promise<Outcome> {
  const started = Date.now();
  const { module: factory } = await loadFactory(join(MUTANTS_DIR, `${task.mutant}.ts`));
  const result = await runSuite({ factory, runs: task.cap, seed: task.seed, strategy: task.strategy, timeBudgetMs: ATTEMPT_BUDGET_MS });
  const failure = result.failure;
  const ms = Date.now() - started;
  if (!failure) return { task, ms, runs: result.runs, killed: false };
  return {
    task,
    ms,
    runs: result.runs,
    killed: true,
    runsToFailure: failure.runsToFailure,
    shrinks: failure.shrinks,
    traceLength: failure.trace.length,
    firstTraceLength: failure.firstTraceLength,
    shrinkMs: failure.shrinkMs ?? 0,
    source: failure.finding.source,
    requirements: failure.finding.requirements,
    flagged: flaggedBy(failure),
    token: failure.token,
  };
}

function serveAsWorker(): void {
  process.on('message', (task: Task) => {
    attempt(task).then(
      (outcome) => process.send?.({ outcome }),
      (err: unknown) => process.send?.({ error: `${task.mutant}: ${err instanceof Error ? err.stack : String(err)}` }),
    );
  });
}

// --- the coordinator ---------------------------------------------------------------------------------------

interface Options {
  readonly seeds: number;
  readonly cap: number;
  readonly budgetMs: number;
  readonly jobs: number;
  readonly only?: readonly string[];
}

function parseArgs(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const int = (name: string, fallback: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} wants a whole number of 1 or more, got ${text}`);
    return n;
  };
  const only = value('only')?.split(',').filter(Boolean);
  return {
    seeds: int('seeds', 5),
    cap: int('cap', 3_000),
    budgetMs: int('budget', 360) * 1000,
    jobs: int('jobs', Math.max(1, Math.min(2, availableParallelism()))),
    ...(only ? { only } : {}),
  };
}

function listMutants(only?: readonly string[]): string[] {
  const all = readdirSync(MUTANTS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  if (!only) return all;
  const unknown = only.filter((m) => !all.includes(m));
  if (unknown.length) throw new Error(`no such mutant in fixtures/mutants: ${unknown.join(', ')}`);
  return all.filter((m) => only.includes(m));
}

/** Seed-major order: if the budget runs out, every mutant and strategy has had its first seeds. */
function tasksOf(mutants: readonly string[], options: Options): Task[] {
  const tasks: Task[] = [];
  for (let seed = 1; seed <= options.seeds; seed++) {
    for (const mutant of mutants) for (const strategy of STRATEGIES) tasks.push({ mutant, strategy, seed, cap: options.cap });
  }
  return tasks;
}

function strategyLabel(s: StrategyName): string {
  if (s.kind === 'pos') return 'POS';
  return s.kind === 'random' ? 'random walk' : `PCT d=${s.depth}`;
}

function progressLine(o: Outcome, done: number, total: number, elapsedMs: number): string {
  const head = `[${String(done).padStart(3)}/${total} ${(elapsedMs / 1000).toFixed(0).padStart(4)} s] ${o.task.mutant.padEnd(27)} ${strategyText(o.task.strategy).padEnd(3)} seed ${o.task.seed}`;
  if (!o.killed) return `${head}: survived ${o.runs} runs (${(o.ms / 1000).toFixed(1)} s)`;
  return `${head}: killed at run ${o.runsToFailure} by ${o.source} [${o.requirements?.join(', ')}], shrunk trace ${o.traceLength} events (${(o.ms / 1000).toFixed(1)} s)`;
}

async function runAll(tasks: readonly Task[], options: Options): Promise<{ outcomes: Outcome[]; skipped: Task[]; elapsedMs: number }> {
  const started = Date.now();
  const outcomes: Outcome[] = [];
  const skipped: Task[] = [];
  let next = 0;
  const self = fileURLToPath(import.meta.url);
  const worker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child: ChildProcess = fork(self, ['--worker'], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const feed = (): void => {
        while (next < tasks.length && Date.now() - started > options.budgetMs) skipped.push(tasks[next++] as Task);
        if (next >= tasks.length) {
          child.disconnect();
          return;
        }
        child.send(tasks[next++] as Task);
      };
      child.on('message', (message: { outcome?: Outcome; error?: string }) => {
        if (message.error) {
          child.kill();
          reject(new Error(message.error));
          return;
        }
        const outcome = message.outcome as Outcome;
        outcomes.push(outcome);
        console.log(progressLine(outcome, outcomes.length, tasks.length, Date.now() - started));
        feed();
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
      feed();
    });
  await Promise.all(Array.from({ length: options.jobs }, worker));
  return { outcomes, skipped, elapsedMs: Date.now() - started };
}

// --- the report --------------------------------------------------------------------------------------------

interface Header {
  readonly defect: string;
  readonly breaks: string;
  readonly survives?: string;
}

/** The defect, the requirements and (for survivors) the reason, read from the mutant's header comment. */
function headerOf(mutant: string): Header {
  const source = readFileSync(join(MUTANTS_DIR, `${mutant}.ts`), 'utf8');
  const comment = (/^\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const part = (label: string): string | undefined => new RegExp(`${label}:? (.*?)(?= (?:Defect|Breaks|Survives in simulation|Expected catcher):|$)`).exec(comment)?.[1]?.trim();
  const breaks = part('Breaks') ?? '';
  const survives = part('Survives in simulation');
  return { defect: part('Defect') ?? '', breaks: breaks.replace(/\.$/, ''), ...(survives ? { survives } : {}) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

function spread(values: readonly number[]): string {
  if (values.length === 0) return '-';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${median(values)}` : `${median(values)} (${lo}–${hi})`;
}

function tally(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([item, n]) => (counts.size > 1 ? `${item} ×${n}` : item)).join(', ');
}

function cell(outcomes: readonly Outcome[], skipped: number): string {
  if (outcomes.length === 0) return skipped ? 'not run' : '-';
  const killed = outcomes.filter((o) => o.killed);
  const of = `${killed.length}/${outcomes.length}${skipped ? ` (+${skipped} not run)` : ''}`;
  if (killed.length === 0) return `**survives** 0/${outcomes.length}, ${outcomes[0]?.runs ?? 0}+ runs each`;
  return `${of} · runs ${spread(killed.map((o) => o.runsToFailure ?? 0))} · trace ${spread(killed.map((o) => o.traceLength ?? 0))}`;
}

function render(mutants: readonly string[], outcomes: readonly Outcome[], skipped: readonly Task[], options: Options, elapsedMs: number): string {
  const same = (a: StrategyName, b: StrategyName) => strategyText(a) === strategyText(b);
  const of = (m: string, s?: StrategyName) => outcomes.filter((o) => o.task.mutant === m && (!s || same(o.task.strategy, s)));
  const skippedOf = (m: string, s: StrategyName) => skipped.filter((t) => t.mutant === m && same(t.strategy, s)).length;
  const columns = [...invariants.map((i) => i.name as string), HARNESS];
  const lines: string[] = [
    '# Kill matrix',
    '',
    '<!-- Generated by bench/kill-matrix.ts; do not edit by hand. -->',
    '',
    `Each mutant in \`fixtures/mutants/\` is the reference NIO factory with one defect. For each mutant, strategy and seed ` +
      `(1..${options.seeds}) the suite ran in-process (\`runSuite\`, default scenarios) for at most ${options.cap} runs ` +
      `(and ${ATTEMPT_BUDGET_MS / 1000} s of searching). ${outcomes.length} attempts in ${(elapsedMs / 1000).toFixed(0)} s on ` +
      `${options.jobs} process(es)${skipped.length ? `; ${skipped.length} attempts did not run within the ${options.budgetMs / 1000} s budget` : ''}.`,
    '',
    '## Mutant × strategy',
    '',
    'Cells: seeds that killed it / seeds tried · runs to the first failure, median (min–max) · length of the shrunk ' +
      'trace in events, median (min–max). "Caught by" is the first finding of the shrunk cases (invariant or harness, with ' +
      'the first requirement it names), over all strategies and seeds. With one seed, run n draws the same scenario ' +
      'under every strategy (only the schedule differs), so a defect that shows on every interleaving of a scenario has ' +
      'the same numbers in every column; the columns differ where the interleaving matters.',
    '',
    `| mutant | ${STRATEGIES.map(strategyLabel).join(' | ')} | caught by |`,
    `|---|${STRATEGIES.map(() => '---').join('|')}|---|`,
  ];
  for (const m of mutants) {
    const killed = of(m).filter((o) => o.killed);
    const caught = killed.length ? tally(killed.map((o) => `${o.source} [${o.requirements?.[0] ?? ''}]`)) : 'nothing';
    lines.push(`| ${m} | ${STRATEGIES.map((s) => cell(of(m, s), skippedOf(m, s))).join(' | ')} | ${caught} |`);
  }
  lines.push(
    '',
    '## Mutant × invariant',
    '',
    'Every invariant of `spec/invariants` run over the shrunk trace of each kill, judged where the harness judges it ' +
      '(safety invariants over the whole trace, liveness invariants over the serving phase, stop-ends-everything after ' +
      'shutdown); "harness" counts problems the harness itself reports (a thread died, a method threw, a busy loop, a ' +
      'hang). Cells: shrunk cases flagged / kills.',
    '',
    `| mutant | kills | ${columns.join(' | ')} |`,
    `|---|---|${columns.map(() => '---').join('|')}|`,
  );
  for (const m of mutants) {
    const killed = of(m).filter((o) => o.killed);
    const counts = columns.map((c) => {
      const n = killed.filter((o) => o.flagged?.includes(c)).length;
      return n ? `${n}/${killed.length}` : '';
    });
    lines.push(`| ${m} | ${killed.length} | ${counts.join(' | ')} |`);
  }
  lines.push(...shrinkingSection(outcomes));
  lines.push('', '## Mutants', '', '| mutant | defect | breaks | verdict |', '|---|---|---|---|');
  for (const m of mutants) {
    const header = headerOf(m);
    const all = of(m);
    const killed = all.filter((o) => o.killed).length;
    const verdict =
      killed > 0
        ? `killed in ${killed}/${all.length} attempts`
        : `**survives** (${all.length} attempts)${header.survives ? `: ${header.survives}` : ''}`;
    lines.push(`| ${m} | ${header.defect.replace(/\|/g, '\\|')} | ${header.breaks} | ${verdict} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** How well shrinking did over every kill: time taken, and the shrunk trace against the first failing one. */
function shrinkingSection(outcomes: readonly Outcome[]): string[] {
  const killed = outcomes.filter((o) => o.killed && o.firstTraceLength);
  if (killed.length === 0) return [];
  const ratios = killed.map((o) => (o.traceLength ?? 0) / (o.firstTraceLength ?? 1));
  const times = killed.map((o) => o.shrinkMs ?? 0);
  const runs = outcomes.reduce((n, o) => n + o.runs, 0);
  const searchMs = outcomes.reduce((n, o) => n + o.ms - (o.shrinkMs ?? 0), 0);
  return [
    '',
    '## Shrinking',
    '',
    `Over ${killed.length} kills: shrinking took a median of ${(median(times) / 1000).toFixed(1)} s (max ${(Math.max(...times) / 1000).toFixed(1)} s; ` +
      `the budget is 10 s); the shrunk trace was a median ${(100 * medianOf(ratios)).toFixed(0)}% of the first failing run's length, at most ` +
      `${(100 * Math.max(...ratios)).toFixed(0)}% (the shortest failing run found is reported, never a longer one). ` +
      `Searching ran ${((runs / searchMs) * 1000).toFixed(1)} runs/s per process.`,
  ];
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const mutants = listMutants(options.only);
  const tasks = tasksOf(mutants, options);
  console.log(
    `kill matrix: ${mutants.length} mutants × ${STRATEGIES.length} strategies × ${options.seeds} seeds = ${tasks.length} attempts, ` +
      `≤ ${options.cap} runs each, ${options.jobs} process(es), budget ${options.budgetMs / 1000} s`,
  );
  const { outcomes, skipped, elapsedMs } = await runAll(tasks, options);
  writeFileSync(OUT, render(mutants, outcomes, skipped, options, elapsedMs));
  const survivors = mutants.filter((m) => !outcomes.some((o) => o.task.mutant === m && o.killed));
  console.log(`wrote ${OUT}: ${mutants.length - survivors.length} killed, ${survivors.length} survive (${survivors.join(', ') || 'none'}) in ${(elapsedMs / 1000).toFixed(0)} s`);
}

if (process.argv.includes('--worker')) serveAsWorker();
else await main();
