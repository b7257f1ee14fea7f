/**
 * Summaries of the two kinds of profile bench/hot-path.ts collects, small enough to read in a terminal or paste
 * into docs/benchmarks.md:
 * - a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, and the share of time in a few
 *   places that matter here (async_hooks, i.e. AsyncLocalStorage's promise hooks; garbage collection; idle);
 * - two V8 heap snapshots (before and after N connections were opened): the object kinds whose self size grew,
 *   in bytes per connection.
 *
 *     npx tsx bench/profile-summary.ts cpu FILE.cpuprofile [TOP]
 *     npx tsx bench/profile-summary.ts areas FILE.cpuprofile      (a search's profile: shares by part of the project)
 *     npx tsx bench/profile-summary.ts heap BEFORE.heapsnapshot AFTER.heapsnapshot CONNECTIONS [TOP]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CpuNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: CpuNode[];
  readonly samples: number[];
}

export interface CpuSummary {
  readonly samples: number;
  /** Share of samples (0..1) per frame label, most first. */
  readonly top: Array<{ readonly frame: string; readonly share: number }>;
  /** Share of samples in a few groups: idle, GC, async_hooks (promise hooks), program (everything else). */
  readonly groups: Record<'idle' | 'gc' | 'asyncHooks' | 'program', number>;
}

function frameLabel(node: CpuNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url === '' ? '' : ` ${basename(url)}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${file}`;
}

export function summariseCpu(profile: CpuProfile, topN = 15): CpuSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  const groups = { idle: 0, gc: 0, asyncHooks: 0, program: 0 };
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const label = frameLabel(node);
    counts.set(label, (counts.get(label) ?? 0) + 1);
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') groups.idle++;
    else if (functionName === '(garbage collector)') groups.gc++;
    else if (url.includes('async_hooks') || url.includes('async_local_storage')) groups.asyncHooks++;
    else groups.program++;
  }
  const total = Math.max(1, profile.samples.length);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([frame, n]) => ({ frame, share: n / total }));
  return {
    samples: profile.samples.length,
    top,
    groups: { idle: groups.idle / total, gc: groups.gc / total, asyncHooks: groups.asyncHooks / total, program: groups.program / total },
  };
}

/**
 * Where a search's time goes, by part of the project: each sample's own frame, grouped by the folder it is in
 * (the simulation, the harness, the invariants, the reference factory, fast-check), plus GC and V8's own work
 * ("program": runtime calls, promise jobs). Builtins a function calls (Map, Array methods) are counted with it.
 */
const AREAS: readonly (readonly [string, RegExp])[] = [
  ['simulation (conformance/sim)', /\/conformance\/sim\//],
  ['invariants (spec/invariants)', /\/spec\/invariants\//],
  ['handler (conformance/harness/handler)', /\/conformance\/harness\/handler\//],
  ['scenario drawing (conformance/harness/scenario)', /\/conformance\/harness\/scenario\//],
  ['harness (conformance/harness, the rest)', /\/conformance\/harness\//],
  ['reference factory (reference/)', /\/reference\//],
  ['spec, other (spec/)', /\/spec\//],
  ['fast-check and pure-rand', /\/node_modules\/(fast-check|pure-rand)\//],
];

export function areaShares(profile: CpuProfile): Array<{ readonly area: string; readonly share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url } = node.callFrame;
    const area =
      functionName === '(garbage collector)' ? 'GC' : functionName === '(program)' ? 'program (V8)' : functionName === '(idle)' ? 'idle' : (AREAS.find(([, pattern]) => pattern.test(url))?.[0] ?? 'other (Node.js, module loading)');
    counts.set(area, (counts.get(area) ?? 0) + 1);
  }
  const total = Math.max(1, profile.samples.length);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([area, n]) => ({ area, share: n / total }));
}

interface HeapSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

/** Self size and count per "type:name" (object kinds by constructor; arrays, strings, closures, code by type). */
export function heapByKind(snapshot: HeapSnapshot): Map<string, { bytes: number; count: number }> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] as number] as string;
    const rawName = snapshot.strings[snapshot.nodes[i + nameAt] as number] ?? '';
    // Strings and numbers are named by their content; group them by type only.
    const name = type === 'object' || type === 'closure' || type === 'native' || type === 'hidden' || type === 'array' ? rawName.slice(0, 60) : '';
    const key = `${type}${name ? `:${name}` : ''}`;
    const entry = kinds.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snapshot.nodes[i + sizeAt] as number;
    entry.count++;
    kinds.set(key, entry);
  }
  return kinds;
}

export interface HeapGrowth {
  readonly perConnectionBytes: number;
  readonly top: Array<{ readonly kind: string; readonly bytesPer: number; readonly countPer: number }>;
}

export function heapGrowth(before: HeapSnapshot, after: HeapSnapshot, connections: number, topN = 15): HeapGrowth {
  const a = heapByKind(before);
  const b = heapByKind(after);
  const rows: Array<{ kind: string; bytesPer: number; countPer: number }> = [];
  let total = 0;
  for (const [kind, entry] of b) {
    const was = a.get(kind) ?? { bytes: 0, count: 0 };
    const bytes = entry.bytes - was.bytes;
    total += bytes;
    rows.push({ kind, bytesPer: bytes / connections, countPer: (entry.count - was.count) / connections });
  }
  for (const [kind, was] of a) if (!b.has(kind)) total -= was.bytes;
  rows.sort((x, y) => y.bytesPer - x.bytesPer);
  return { perConnectionBytes: total / connections, top: rows.slice(0, topN) };
}

export function formatCpu(summary: CpuSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const g = summary.groups;
  const lines = [
    `${summary.samples} samples: program ${pct(g.program)}, async_hooks ${pct(g.asyncHooks)}, GC ${pct(g.gc)}, idle ${pct(g.idle)}`,
    ...summary.top.map((t) => `  ${pct(t.share).padStart(6)}  ${t.frame}`),
  ];
  return lines.join('\n');
}

export function formatHeap(growth: HeapGrowth): string {
  return [
    `live heap per connection: ${growth.perConnectionBytes.toFixed(0)} bytes`,
    ...growth.top.map((t) => `  ${t.bytesPer.toFixed(0).padStart(6)} B  ${t.countPer.toFixed(2).padStart(5)} x  ${t.kind}`),
  ].join('\n');
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'cpu' && rest[0] !== undefined) {
    console.log(formatCpu(summariseCpu(read(rest[0]) as CpuProfile, Number(rest[1] ?? 15))));
  } else if (mode === 'areas' && rest[0] !== undefined) {
    for (const { area, share } of areaShares(read(rest[0]) as CpuProfile)) console.log(`${(share * 100).toFixed(1).padStart(6)}%  ${area}`);
  } else if (mode === 'heap' && rest.length >= 3) {
    console.log(formatHeap(heapGrowth(read(rest[0]!) as HeapSnapshot, read(rest[1]!) as HeapSnapshot, Number(rest[2]), Number(rest[3] ?? 15))));
  } else {
    console.error('usage: profile-summary.ts cpu FILE.cpuprofile [TOP] | areas FILE.cpuprofile | heap BEFORE AFTER CONNECTIONS [TOP]');
    process.exit(2);
  }
}
