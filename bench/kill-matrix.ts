/**
 * The kill matrix: how fast the conformance suite kills each mutant factory, per family and scheduling strategy,
 * how long shrinking takes and how short the shrunk case is. Writes docs/kill-matrix.md.
 * Run: npx tsx bench/kill-matrix.ts [--seeds 5] [--cap 2000] [--attempt-seconds 120] [--budget 5400] [--jobs 2]
 *                                  [--only name,name] [--family reference,netty,independent] [--save run.json]
 * (--save also appends each outcome to run.jsonl as it comes, so a run cut short keeps what it did)
 *      npx tsx bench/kill-matrix.ts --render run.json   (rewrites the page from a saved run, e.g. after editing
 *                                                        kill-matrix-reasons.ts, without running anything)
 *
 * Three families, found on disk (kill-matrix-families.ts), each judged under its profile. For each mutant x
 * strategy (random walk, PCT d=2, PCT d=3, POS) x seed (1..K) a child process runs the suite's search at the
 * default budget of `cnxnspec test` (2,000 runs or 120 s, shrinking 10 s) and records the runs to the first
 * failure, the first failing run's and the shrunk case's lengths in events, and the shrink time; once per mutant
 * it also runs the harness and wire checks, which judge what no single trace shows. A shrunk case longer than the
 * run it came from is a bug of the shrinker: the matrix lists it and the script exits 1.
 * Attempts run in `jobs` child processes, seed-major so that a budget cut leaves every cell its first seeds; one
 * progress line per attempt.
 */

import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strategyText } from '../conformance/harness/suite-token.ts';
import { serveAsWorker, type Outcome, type Task } from './kill-matrix-attempt.ts';
import { discoverMutants, FAMILIES, keyOf, type Family, type Mutant } from './kill-matrix-families.ts';
import { renderMatrix, shrinkViolations, STRATEGIES, strategyLabel, type MatrixRun } from './kill-matrix-report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'docs/kill-matrix.md');

export interface Options {
  readonly seeds: number;
  readonly cap: number;
  readonly attemptMs: number;
  readonly budgetMs: number;
  readonly jobs: number;
  readonly only?: readonly string[];
  readonly families: readonly Family[];
  readonly save?: string;
  readonly render?: string;
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
  const families = (value('family')?.split(',').filter(Boolean) ?? [...FAMILIES]) as Family[];
  const unknown = families.filter((f) => !FAMILIES.includes(f));
  if (unknown.length) throw new Error(`--family takes ${FAMILIES.join(', ')}; got ${unknown.join(', ')}`);
  return {
    seeds: int('seeds', 5),
    cap: int('cap', 2_000),
    attemptMs: int('attempt-seconds', 120) * 1000,
    budgetMs: int('budget', 5_400) * 1000,
    jobs: int('jobs', Math.max(1, Math.min(2, availableParallelism()))),
    ...(only ? { only } : {}),
    families,
    ...(value('save') ? { save: value('save') } : {}),
    ...(value('render') ? { render: value('render') } : {}),
  };
}

/**
 * Seed 1 of every search first, then the checks of the mutants no search has killed yet (the checks take real
 * sockets and tens of seconds; a mutant the search kills needs no other verdict), then the other seeds.
 */
function tasksOf(mutants: readonly Mutant[], options: Options): Task[] {
  const searches = (seed: number): Task[] =>
    mutants.flatMap((m) => STRATEGIES.map((strategy): Task => ({ kind: 'search', key: keyOf(m), path: m.path, profile: m.profile, strategy, seed, cap: options.cap, attemptMs: options.attemptMs })));
  const checks = mutants.map((m): Task => ({ kind: 'checks', key: keyOf(m), path: m.path, profile: m.profile }));
  return [...searches(1), ...checks, ...Array.from({ length: options.seeds - 1 }, (_, i) => searches(i + 2)).flat()];
}

function progressLine(o: Outcome, done: number, total: number, elapsedMs: number): string {
  const head = `[${String(done).padStart(4)}/${total} ${(elapsedMs / 1000).toFixed(0).padStart(5)} s] ${o.task.key.padEnd(40)}`;
  if (o.kind === 'checks') return `${head} checks: ${o.failed.length ? `fail ${o.failed.join('; ')}` : 'pass'} (${(o.ms / 1000).toFixed(1)} s)`;
  const which = `${strategyText(o.task.strategy).padEnd(2)} seed ${o.task.seed}`;
  if (o.error) return `${head} ${which}: ERROR ${o.error}`;
  if (!o.kill) return `${head} ${which}: survived ${o.runs} runs (${(o.ms / 1000).toFixed(1)} s)`;
  const k = o.kill;
  return `${head} ${which}: killed at run ${k.runsToFailure} by ${k.source} [${k.requirements[0] ?? ''}], ${k.originalLength} -> ${k.shrunkLength} events in ${(k.shrinkMs / 1000).toFixed(1)} s (${(o.ms / 1000).toFixed(1)} s)`;
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
      const killed = (key: string): boolean => outcomes.some((o) => o.kind === 'search' && o.task.key === key && o.kill);
      const feed = (): void => {
        for (;;) {
          const task = tasks[next];
          if (task === undefined) break;
          if (Date.now() - started > options.budgetMs) skipped.push(task);
          else if (!(task.kind === 'checks' && killed(task.key))) break;
          next++;
        }
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
        if (options.save) appendFileSync(`${options.save}l`, `${JSON.stringify(outcome)}\n`);
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

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.render) {
    writeFileSync(OUT, renderMatrix(JSON.parse(readFileSync(options.render, 'utf8')) as MatrixRun));
    console.log(`wrote ${OUT} from ${options.render}`);
    return;
  }
  const all = (await discoverMutants(root)).filter((m) => options.families.includes(m.family));
  const unknown = options.only?.filter((name) => !all.some((m) => m.name === name)) ?? [];
  if (unknown.length) throw new Error(`no such mutant: ${unknown.join(', ')} (families ${options.families.join(', ')})`);
  const mutants = options.only ? all.filter((m) => options.only?.includes(m.name)) : all;
  const tasks = tasksOf(mutants, options);
  const counts = FAMILIES.map((f) => `${mutants.filter((m) => m.family === f).length} ${f}`).join(', ');
  console.log(
    `kill matrix: ${mutants.length} mutants (${counts}) × ${STRATEGIES.map(strategyLabel).join(', ')} × ${options.seeds} seeds ` +
      `= ${tasks.length - mutants.length} searches of ≤ ${options.cap} runs or ${options.attemptMs / 1000} s, and ${mutants.length} check runs; ` +
      `${options.jobs} process(es), budget ${options.budgetMs / 1000} s`,
  );
  const { outcomes, skipped, elapsedMs } = await runAll(tasks, options);
  const run: MatrixRun = { mutants, outcomes, skipped, options, elapsedMs };
  if (options.save) writeFileSync(options.save, JSON.stringify(run));
  writeFileSync(OUT, renderMatrix(run));
  const violations = shrinkViolations(outcomes);
  for (const v of violations) console.error(`SHRINK BUG: ${v}`);
  const survivors = mutants.filter((m) => !outcomes.some((o) => o.task.key === keyOf(m) && (o.kind === 'search' ? o.kill : o.failed.length)));
  console.log(`wrote ${OUT} in ${(elapsedMs / 1000).toFixed(0)} s: ${mutants.length - survivors.length} of ${mutants.length} killed; survive: ${survivors.map(keyOf).join(', ') || 'none'}`);
  if (violations.length) {
    console.error(`${violations.length} shrunk case(s) longer than the run they came from: the shrinker must never lengthen a case`);
    process.exitCode = 1;
  }
}

if (process.argv.includes('--worker')) serveAsWorker();
else await main();
