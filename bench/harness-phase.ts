/**
 * (e) from the parent: runs bench/harness-bench.ts as a child with a time limit, relays its progress and collects
 * its samples (one JSON line each, so a run stopped at the limit still reports what it measured).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HarnessResult, KillSample, RateSample } from './harness-bench.ts';
import type { RunSettings } from './results.ts';

const HARNESS_BENCH = fileURLToPath(new URL('./harness-bench.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function harnessLimitMs(h: NonNullable<RunSettings['harness']>): number {
  // Runs/s take a fixed time; most mutants die in milliseconds, the survivors cost up to killSeconds each.
  return (h.reps * 2 * h.seconds + h.reps * 4 * h.killSeconds) * 1000 + 120_000;
}

export async function runHarnessPhase(h: NonNullable<RunSettings['harness']>, say: (line: string) => void): Promise<HarnessResult> {
  const result: HarnessResult = { rates: [], kills: [], cap: h.cap, killSeconds: h.killSeconds };
  const args = ['--import', 'tsx', HARNESS_BENCH, '--reps', String(h.reps), '--seconds', String(h.seconds), '--cap', String(h.cap), '--kill-seconds', String(h.killSeconds)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try {
        const sample = JSON.parse(line) as { rate?: RateSample; kill?: KillSample };
        if (sample.rate) result.rates.push(sample.rate);
        if (sample.kill) result.kills.push(sample.kill);
      } catch {
        say(`  harness: ${line}`);
      }
    }
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    let nl: number;
    while ((nl = err.indexOf('\n')) >= 0) {
      const line = err.slice(0, nl);
      err = err.slice(nl + 1);
      if (!line.startsWith('npm warn')) say(line);
    }
  });
  const limitMs = harnessLimitMs(h);
  const timer = setTimeout(() => {
    result.stoppedAt = `stopped at the ${Math.round(limitMs / 1000)} s limit`;
    child.kill('SIGKILL');
  }, limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  if (code !== 0 && result.stoppedAt === undefined) throw new Error(`bench/harness-bench.ts exited with ${code}`);
  return result;
}
