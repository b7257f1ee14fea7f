/**
 * How fast `cnxnspec check` judges a long trace and how much memory it takes. Generates a valid trace of
 * `--events` events (default 3,000,000): connections opened one after another, `--open` of them at once, each
 * doing handoff, registration, IO passes through a worker and the updateQueue, then a peer close. Then runs
 * `cnxnspec check --complete` on it in a child process (so its peak RSS is the checker's alone) and appends one
 * line to docs/benchmarks-check.md. Usage: npx tsx bench/check-throughput.ts [--events N] [--open N]
 */

import { spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const target = arg('events', 3_000_000);
const open = arg('open', 100);

async function generate(path: string): Promise<number> {
  const out = createWriteStream(path);
  let seq = 0;
  let t = 0;
  let buffered: string[] = [];
  const emit = async (thread: string, body: Record<string, unknown>) => {
    buffered.push(JSON.stringify({ seq: seq++, t, thread, ...body }));
    if (buffered.length >= 10_000) {
      if (!out.write(`${buffered.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffered = [];
    }
  };
  const S = 'SelectorThread-0';
  await emit('main', { ev: 'configured', factory: 'bench', selectors: [S], workers: 1, maxClientCnxns: 0, sessionlessTimeout: 10_000_000, expiryInterval: 10_000_000 });
  await emit(S, { ev: 'selectBegin', sel: 'sel0' });
  const live: string[] = [];
  let n = 0;
  while (seq < target) {
    if (live.length < open) {
      const ch = `ch${n++}`;
      const peer = `peer 10.0.0.1#${n}`;
      await emit(peer, { ev: 'peerConnect', peer, ip: '10.0.0.1' });
      await emit('AcceptThread', { ev: 'accept', ss: 'ss0', ch, remote: `10.0.0.1:${10_000 + (n % 50_000)}` });
      await emit('AcceptThread', { ev: 'offer', queue: `acceptedQueue@${S}`, item: ch, ok: true });
      await emit('AcceptThread', { ev: 'wakeup', sel: 'sel0' });
      await emit(S, { ev: 'selectEnd', sel: 'sel0', ready: [], woken: true });
      await emit(S, { ev: 'poll', queue: `acceptedQueue@${S}`, item: ch });
      await emit(S, { ev: 'register', sel: 'sel0', ch, key: `k${ch}`, ops: 1 });
      await emit(S, { ev: 'cnxnCreated', ch, key: `k${ch}`, ip: '10.0.0.1' });
      await emit(S, { ev: 'poll', queue: `acceptedQueue@${S}`, item: null });
      await emit(S, { ev: 'selectBegin', sel: 'sel0' });
      live.push(ch);
      continue;
    }
    const ch = live[(seq >> 4) % live.length]!;
    const peer = `peer 10.0.0.1#${ch.slice(2)}`;
    const key = `k${ch}`;
    t += 1;
    await emit(peer, { ev: 'peerSend', peer, ch, n: 12 });
    await emit(S, { ev: 'selectEnd', sel: 'sel0', ready: [{ key, ops: 1 }], woken: false });
    await emit(S, { ev: 'interestOps', key, ch, ops: 0 });
    await emit(S, { ev: 'ioScheduled', ch });
    await emit(S, { ev: 'offer', queue: 'workQueue@NIOWorker', item: ch, ok: true });
    await emit(S, { ev: 'selectBegin', sel: 'sel0' });
    await emit('NIOWorker-1', { ev: 'take', queue: 'workQueue@NIOWorker', item: ch });
    await emit('NIOWorker-1', { ev: 'ioStart', ch });
    await emit('NIOWorker-1', { ev: 'read', ch, n: 12 });
    await emit('NIOWorker-1', { ev: 'write', ch, requested: 16, n: 16 });
    await emit('NIOWorker-1', { ev: 'ioEnd', ch });
    await emit('NIOWorker-1', { ev: 'offer', queue: `updateQueue@${S}`, item: key, ok: true });
    await emit('NIOWorker-1', { ev: 'wakeup', sel: 'sel0' });
    await emit(S, { ev: 'selectEnd', sel: 'sel0', ready: [], woken: true });
    await emit(S, { ev: 'poll', queue: `updateQueue@${S}`, item: key });
    await emit(S, { ev: 'interestOps', key, ch, ops: 1 });
    await emit(S, { ev: 'selectBegin', sel: 'sel0' });
    if (seq % 997 < 17) {
      // Retire this connection: the peer closes, the server sees EOF and closes too.
      await emit(peer, { ev: 'peerClose', peer, ch, how: 'close' });
      await emit('NIOWorker-1', { ev: 'close', ch, reason: 'client_closed' });
      live.splice(live.indexOf(ch), 1);
    }
  }
  out.write(buffered.length ? `${buffered.join('\n')}\n` : '');
  await new Promise<void>((r) => out.end(() => r()));
  return seq;
}

const dir = mkdtempSync(join(tmpdir(), 'cnxnspec-check-bench-'));
try {
  const path = join(dir, 'trace.jsonl');
  const events = await generate(path);
  const bytes = statSync(path).size;
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--import', 'tsx', join(root, 'conformance/cli/main.ts'), 'check', path, '--complete'], { encoding: 'utf8', cwd: root });
  const seconds = (performance.now() - started) / 1000;
  const peakKiB = Number(run.stderr.trim().split('\n').pop());
  console.log(run.stdout.trim().split('\n').pop());
  if (run.status !== 0) throw new Error(`check exited ${run.status}: ${run.stdout}\n${run.stderr}`);
  const doc = join(root, 'docs/benchmarks-check.md');
  if (!existsSync(doc)) {
    // The analysis above the table is written by hand in the committed file; a fresh file gets the table only.
    writeFileSync(doc, '# cnxnspec check: throughput and memory\n\n| date | events | open channels | trace MiB | seconds | events/s | peak RSS MiB | bytes of RSS per event | machine |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n');
  }
  const line = `| ${new Date().toISOString().slice(0, 10)} | ${events.toLocaleString('en')} | ${open} | ${(bytes / 2 ** 20).toFixed(0)} | ${seconds.toFixed(1)} | ${Math.round(events / seconds).toLocaleString('en')} | ${(peakKiB / 1024).toFixed(0)} | ${Math.round((peakKiB * 1024) / events)} | ${cpus().length} cores, Node ${process.version} |\n`;
  appendFileSync(doc, line);
  process.stdout.write(line);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
