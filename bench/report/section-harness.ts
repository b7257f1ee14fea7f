/** The report's section (e): the harness's runs per second and runs to kill each mutant. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { STRATEGIES } from '../harness-bench.ts';
import type { RunResult } from '../results.ts';
import { fmt, showSpread, spread } from '../stats.ts';
import { table } from './md-table.ts';

export function harnessSection(result: RunResult): string[] {
  const lines = ['## (e) The harness', ''];
  if (result.harnessError) return [...lines, `Not measured: ${result.harnessError}`, ''];
  const h = result.harness;
  if (!h) return [...lines, 'Not run (--no-harness).', ''];
  const rateRows = STRATEGIES.map(({ label }) => {
    const samples = h.rates.filter((r) => r.strategy === label);
    return [label, showSpread(spread(samples.map((r) => (r.runs * 1000) / r.ms))), String(samples.reduce((a, r) => a + r.runs, 0)), String(samples.length)];
  });
  lines.push(
    'Scenario runs per second of `runSuite` on the reference NIO factory in the simulation (one process, one core), ' +
      'per strategy, median (min-max) over seeds. The random walk draws up to 4,000 scheduling choices per run, which is ' +
      'part of what a run costs.',
    '',
    ...table(['strategy', 'runs/s', 'runs', 'seeds'], rateRows),
    '',
  );
  const mutants = [...new Set(h.kills.map((k) => k.mutant))].sort();
  if (mutants.length > 0) {
    const cell = (mutant: string, label: string) => {
      const ks = h.kills.filter((k) => k.mutant === mutant && k.strategy === label);
      if (ks.length === 0) return '-';
      const killed = ks.filter((k) => k.runsToKill !== undefined);
      if (killed.length === 0) return `survives ${ks.length}/${ks.length} (${fmt(Math.max(...ks.map((k) => k.runs)))} runs)`;
      const runs = showSpread(spread(killed.map((k) => k.runsToKill)));
      return killed.length === ks.length ? runs : `${runs}; survives ${ks.length - killed.length}/${ks.length}`;
    };
    lines.push(
      `Runs until the suite first fails on each mutant of \`fixtures/mutants/\`, per strategy: the suite's own property ` +
        `(the same arbitraries and seeds as \`runSuite\`), stopped at the first failing run, so no time goes into shrinking; ` +
        `at most ${fmt(h.cap)} runs or ${h.killSeconds} s per cell; median (min-max) over seeds 1..${Math.max(...h.kills.map((k) => k.seed))}.`,
      '',
      ...table(['mutant', ...STRATEGIES.map((s) => `${s.label}: runs to kill`)], mutants.map((m) => [m, ...STRATEGIES.map((s) => cell(m, s.label))])),
      '',
    );
  }
  const survivors = mutants.filter((m) => h.kills.filter((k) => k.mutant === m).every((k) => k.runsToKill === undefined));
  for (const m of survivors) {
    const why = survivalNote(m);
    lines.push(`- **${m}** was not killed${why ? `; its header says why: ${why}` : '.'}`);
  }
  if (survivors.length > 0) lines.push('');
  if (h.stoppedAt) lines.push(`The harness phase was ${h.stoppedAt}; the figures above are what it measured until then.`, '');
  if (existsSync(new URL('../../docs/kill-matrix.md', import.meta.url))) {
    const when = (() => {
      try {
        return statSync(new URL('../../docs/kill-matrix.md', import.meta.url)).mtime.toISOString().slice(0, 16).replace('T', ' ');
      } catch {
        return 'unknown time';
      }
    })();
    lines.push(
      `[kill-matrix.md](kill-matrix.md) (from \`bench/kill-matrix.ts\`, last written ${when} UTC) has the complementary view: ` +
        'runs to the first failure with shrinking, PCT d=3 as well, the length of the shrunk trace and which invariant flags each kill.',
      '',
    );
  }
  return lines;
}

/** The "Survives in simulation:" part of a mutant's header comment, if it has one. */
function survivalNote(mutant: string): string | undefined {
  try {
    const source = readFileSync(new URL(`../../fixtures/mutants/${mutant}.ts`, import.meta.url), 'utf8');
    const comment = (/^\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, ''))
      .join(' ')
      .replace(/\s+/g, ' ');
    return /Survives in simulation: (.*?)(?= [A-Z][a-z]+(?: [a-z]+)*: |$)/.exec(comment)?.[1]?.trim();
  } catch {
    return undefined;
  }
}
