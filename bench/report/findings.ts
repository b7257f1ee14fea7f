/**
 * The prose of the report that depends on the figures: for each missed target, why (what was measured and seen)
 * and what would close it; and what stood out, including where the reference is slower than Apache ZooKeeper.
 *
 * The causes named here were found by profiling the reference while this benchmark drove it, on this machine
 * (Node 20, 2 cores): `node --cpu-prof` on the server process during pings and during 10,000-client storms, V8 heap
 * snapshots with 0 and 5,000 sessions held (reference 1 selector / 4 workers against the bare floor, both serving
 * the same handler), and `strace -c -f` on the server during pings. They are stated with the figures of this run
 * wherever the run measures them; the profile shares are from those profiling runs and are marked as such.
 */
import type { RunResult, ServerResult } from '../results.ts';
import { BARE_ID, REFERENCE_DEFAULT_ID, REFERENCE_DEFAULT_THREADS_ID, ZK_NETTY_ID, ZK_NIO_4096_ID, ZK_NIO_ID } from '../servers/catalog.ts';
import { fmt, spread } from '../stats.ts';
import { idleOf, memoryOf, pingsOf, prefixOf, stormOf } from './aggregate.ts';
import type { TargetId, TargetVerdict } from './targets.ts';

const STORM = 10_000;

function byId(result: RunResult, id: string): ServerResult | undefined {
  return result.servers.find((s) => s.spec.id === id && s.reps.length > 0);
}

function num(x: number | undefined, digits = 0): string {
  return x === undefined || !Number.isFinite(x) ? '?' : fmt(x, digits);
}

/**
 * What the storm and ping targets have in common, said once above the missed targets: one event loop, a hand-off
 * per step, and the cost of the context every promise carries.
 */
export function commonCauses(): string[] {
  return [
    'Common to the storm and ping figures (from `node --cpu-prof` of the server under this benchmark\'s load, and ' +
      '`strace -c -f` during pings):',
    '',
    '1. One event loop. The reference\'s accept, selector and worker threads are logical threads on one Node event loop, ' +
      'so its work is serial on one core whatever the thread counts; ZooKeeper\'s are Java threads on both cores. With the ' +
      'load generator on the same two cores (and other engineers\' work), the server\'s CPU time is wall time.',
    '2. A hand-off per step. A connection passes accept thread → acceptedQueue → selector thread (register, SelectionKey) → ' +
      'IO work request → FrameReader → handler → outgoing buffers → updateQueue → selector → write, each hand-off a promise ' +
      'and a queue; the floor reads in its data callback and answers one promise later. cnxn.framing lets an IO pass complete at most one frame ' +
      '(as ZooKeeper\'s doIO does), so the ten pings that arrive in one read cost ten such passes. System calls are not ' +
      'the difference: strace counted about 10 pings per read for both the reference and the floor, and about 0.5 writes ' +
      'per reply for the reference (replies queued during a pass are gathered into one write) against about 1 for the floor.',
    '3. Allocation and collection. AsyncLocalStorage\'s promise hooks, once about 10% of the server\'s samples under pings, ' +
      'are gone while tracing is off (reference/runtime/node/promise-thread-store.ts); garbage collection still took about ' +
      '6% of the samples, from a promise and a buffer or two per hand-off.',
    '',
    'What would close the gap, in order of effect: let a pass complete every frame already read into user space, up to a ' +
      'budget (a change to cnxn.framing, whose rationale, fairness between connections, a budget keeps; the Netty-style ' +
      'factory, which decodes every frame of a read, shows what it is worth in the table of pings); make hand-offs to ' +
      'an idle logical thread synchronous instead of a promise hop; use the second core. Measured (see "The second ' +
      'core: does it pay?"): two node:cluster copies sharing nothing serve 1.9x the pings of one, but forwarding every ' +
      'frame to one process holding the data tree gains nothing, so the copies would have to answer pings and ' +
      'session touches themselves and send only writes on, as a ZooKeeper ensemble does.',
    '',
  ];
}

function stormWhy(result: RunResult, id: string): string {
  const ref = byId(result, id);
  const bare = byId(result, BARE_ID);
  const zk = byId(result, ZK_NIO_4096_ID);
  const refCpu = ref ? stormOf(ref, STORM).cpuMs?.median : undefined;
  const bareCpu = bare ? stormOf(bare, STORM).cpuMs?.median : undefined;
  const zkCpu = zk ? stormOf(zk, STORM).cpuMs?.median : undefined;
  const cpu =
    `server CPU for the ${fmt(STORM)} handshakes ${num(refCpu)} ms against ${num(bareCpu)} ms for the floor` +
    `${refCpu && bareCpu ? ` (${(refCpu / bareCpu).toFixed(1)}x)` : ''} and ${num(zkCpu)} ms for ZooKeeper NIO 4096 (over its threads, on both cores)`;
  const close = 'besides causes 2 and 3, ZooKeeper uses both cores (cause 1), so the reference must come near the floor\'s work per connection to beat it.';
  return `${cpu}; ${close}`;
}

function pingsWhy(result: RunResult, against: string, label: string): string {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const zk = byId(result, against);
  const bare = byId(result, BARE_ID);
  const us = (s: ServerResult | undefined) => (s ? pingsOf(s).cpuUs?.median : undefined);
  return (
    `server CPU per ping: reference ${num(us(ref), 1)} µs, ${label} ${num(us(zk), 1)} µs (over its threads, on both cores), floor ` +
    `${num(us(bare), 1)} µs. Ten passes for the ten pings of one read (cause 2) on one core (cause 1).`
  );
}

function p99Why(result: RunResult): string {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const p = ref ? pingsOf(ref) : undefined;
  const inFlight = result.settings.pingConnections * result.settings.pingInFlight;
  const little = p?.perSecond ? (inFlight / p.perSecond.median) * 1000 : undefined;
  return (
    `With ${inFlight} pings always in flight, Little's law makes the mean latency ${inFlight} / throughput = ` +
    `${num(little, 1)} ms at ${num((p?.perSecond?.median ?? 0) / 1000, 1)}k pings/s (measured p50 ${num(p?.p50?.median, 1)} ms): ` +
    'latency follows throughput, so what closes the pings targets closes this one. The tail on top comes from GC ' +
    'pauses of the server and of the load generator, and from the machine being shared (load average above).'
  );
}

function memoryWhy(result: RunResult): string {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const bare = byId(result, BARE_ID);
  const m = ref ? memoryOf(ref) : undefined;
  const b = bare ? memoryOf(bare) : undefined;
  const handler = result.handlerNote?.split(' | ')[0] ?? 'the handler';
  return (
    `RSS per held session: reference ${num(m?.perSessionKiB?.median, 1)} KiB (live heap ${num(m?.heapPerSessionKiB?.median, 1)} KiB of it; ` +
    `${num(m?.perFurtherSessionKiB?.median, 1)} KiB per further session), ` +
    `floor ${num(b?.perSessionKiB?.median, 1)} KiB (live heap ${num(b?.heapPerSessionKiB?.median, 1)} KiB; ${num(b?.perFurtherSessionKiB?.median, 1)} KiB per further session), both serving ${handler}, whose ` +
    'own per-session state counts in both (the 8 KiB target was set against a floor of 6.6 KiB measured with a minimal ' +
    'echo handler). The largest per-connection items the heap snapshots found are gone (see "Where the time goes"); ' +
    'what is left of the live heap is the connection\'s own objects (the connection, its channel and key, its frame ' +
    'reader and outgoing buffers, its expiry entry). The rest of the RSS is not native memory (under 1 KiB per ' +
    'session for both) but V8\'s: the young generation, which the sessions\' own state passes through (every node ' +
    'server runs with the 8 MiB semi-spaces `cnxnspec serve` runs with; with V8\'s default of 16 MiB ' +
    'the reference measured 9.9 KiB per session against 7.1), and old-space pages holding objects promoted during the ' +
    'storm that died later. What would close it: fewer short-lived allocations per hand-off (about 62 KiB allocated ' +
    'per session opened, the floor 14), so that fewer objects are promoted to die there; 4 MiB semi-spaces gave 6.1 ' +
    'KiB but made the storm 1.26x slower (see "RSS per held session: where the rest goes").'
  );
}

/** Why one missed target was missed, and what would close it (the common causes are printed once, above). */
export function whyMissed(id: TargetId, _verdict: TargetVerdict, result: RunResult): string {
  switch (id) {
    case 'storm-zk':
      return stormWhy(result, REFERENCE_DEFAULT_THREADS_ID);
    case 'pings-zk-nio':
      return pingsWhy(result, byId(result, ZK_NIO_ID) ? ZK_NIO_ID : ZK_NIO_4096_ID, 'ZooKeeper NIO');
    case 'pings-zk-netty':
      return pingsWhy(result, ZK_NETTY_ID, 'ZooKeeper Netty');
    case 'p99':
      return p99Why(result);
    case 'per-session':
    case 'per-further-session':
      return memoryWhy(result);
    case 'prefix': {
      const ref = byId(result, REFERENCE_DEFAULT_ID);
      const bare = byId(result, BARE_ID);
      const p = ref ? prefixOf(ref) : undefined;
      const b = bare ? prefixOf(bare) : undefined;
      return (
        `RSS grew ${num(p?.perSocketKiB?.median, 1)} KiB per socket on a fresh reference process (the floor: ${num(b?.perSocketKiB?.median, 1)} KiB), ` +
        `while its live heap grew only ${num(p?.heapMiB?.median, 1)} MiB in all: the rest is V8 growing a young heap and ` +
        'native socket state, which a fresh process pays at once (the floor too). The reference reserves nothing for a ' +
        'payload until its first bytes arrive, so the cost does not grow with the announced length, unlike ZooKeeper\'s (below).'
      );
    }
  }
}

/** Bullets for "What stood out": comparisons the tables show but do not say. */
export function observations(result: RunResult): string[] {
  const out: string[] = [];
  const zk = byId(result, ZK_NIO_ID);
  const zk4096 = byId(result, ZK_NIO_4096_ID);
  const netty = byId(result, ZK_NETTY_ID);
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const refThreads = byId(result, REFERENCE_DEFAULT_THREADS_ID);
  const bare = byId(result, BARE_ID);
  const sizes = result.settings.stormSizes;
  if (zk && zk4096) {
    const row = (s: ServerResult) => sizes.map((n) => num(stormOf(s, n).ms?.median)).join(' / ');
    const over = (s: ServerResult) => sizes.map((n) => num(stormOf(s, n).overflows?.median)).join(' / ');
    out.push(
      `The listen backlog decides storms: ZooKeeper NIO took ${row(zk)} ms for ${sizes.map((n) => fmt(n)).join(' / ')} clients with the JDK's ` +
        `backlog of 50 (accept-queue overflows ${over(zk)}) and ${row(zk4096)} ms with 4096 (overflows ${over(zk4096)}).` +
        (ref && refThreads ? ` The reference: ${row(ref)} ms with node's 511 (overflows ${over(ref)}), ${row(refThreads)} ms with 4096 (overflows ${over(refThreads)}).` : '') +
        (bare ? ` The floor, at 4096: ${row(bare)} ms (overflows ${over(bare)}).` : '') +
        ([zk4096, refThreads, bare].some((s) => s !== undefined && (stormOf(s, sizes[sizes.length - 1] ?? STORM).overflows?.max ?? 0) > 0)
          ? ' Even 4096 overflows at 10,000 when the server accepts more slowly than the SYNs arrive, as happened here.'
          : ''),
    );
  }
  const refs = result.servers.filter((s) => s.spec.family === 'reference' && s.spec.netty !== true && s.reps.length > 0);
  if (refs.length > 1) {
    const rates = refs.map((s) => ({ s, rate: pingsOf(s).perSecond?.median ?? 0, us: pingsOf(s).cpuUs?.median })).sort((a, b) => b.rate - a.rate);
    const best = rates[0];
    const worst = rates[rates.length - 1];
    if (best && worst) {
      out.push(
        `Thread counts change the reference little: across its ${refs.length} configurations pings ranged from ` +
          `${num(worst.rate / 1000, 1)}k/s (${worst.s.spec.id}) to ${num(best.rate / 1000, 1)}k/s (${best.s.spec.id}), and server CPU per ping ` +
          `from ${num(Math.min(...rates.map((r) => r.us ?? Infinity)), 1)} to ${num(Math.max(...rates.map((r) => r.us ?? 0)), 1)} µs, ` +
          'a spread of the same size as the run-to-run noise of one configuration: the logical threads share one event ' +
          'loop, so their count changes the queue hops, not the parallelism.',
      );
    }
  }
  if (ref && zk4096) {
    const r = pingsOf(ref);
    const z = pingsOf(zk4096);
    const slower = (r.perSecond?.median ?? 0) < (z.perSecond?.median ?? 0);
    out.push(
      `Where the reference is ${slower ? 'slower' : 'faster'} than ZooKeeper NIO: pings ${num((r.perSecond?.median ?? 0) / 1000, 1)}k/s against ` +
        `${num((z.perSecond?.median ?? 0) / 1000, 1)}k/s, at ${num(r.cpuUs?.median, 1)} µs of server CPU per ping against ${num(z.cpuUs?.median, 1)} µs. ` +
        'ZooKeeper spends its CPU (a full request pipeline per ping) on two cores; the reference spends its CPU on one ' +
        'event loop, in the per-pass hand-offs described under the targets.',
    );
  }
  if (ref && (zk4096 || netty)) {
    const n = result.settings.prefixSockets;
    const perSocket = (srv: ServerResult | undefined) => {
      if (!srv) return '?';
      const p = prefixOf(srv);
      const heap = p.heapMiB ? ` (live heap ${num((p.heapMiB.median * 1024) / n)} KiB)` : '';
      return `${num(p.perSocketKiB?.median)} KiB RSS${heap}`;
    };
    out.push(
      `A length prefix announcing ${fmt(result.settings.prefixLength)} bytes, and nothing after it, costs per socket: ZooKeeper NIO ` +
        `${perSocket(zk4096)}, Netty ${perSocket(netty)}, the reference ${perSocket(ref)}. Both ZooKeeper factories allocate the ` +
        'announced length at once (on a 1000 MiB heap, so about a thousand such sockets fill it); the reference reserves ' +
        'a fixed first chunk whatever the length.',
    );
  }
  const oom = result.servers.filter((s) => s.reps.length > 0 && prefixOf(s).outOfMemoryReps > 0);
  if (oom.length > 0) {
    const list = oom.map((s) => `${s.spec.id} in ${prefixOf(s).outOfMemoryReps} of ${s.reps.length} repetitions`).join(', ');
    const threads = [...new Set(oom.flatMap((s) => prefixOf(s).outOfMemoryThreads))].sort();
    out.push(
      `${fmt(result.settings.prefixSockets)} sockets that each sent 4 bytes ran ZooKeeper out of heap (-Xmx1000m, upstream's default): ` +
        `its log reports java.lang.OutOfMemoryError (${list}), in threads such as ${threads.slice(0, 6).join(', ')}` +
        `${threads.length > 6 ? ` and ${threads.length - 6} more` : ''}. The reference and the floor kept serving.`,
    );
  }
  if (netty) {
    const d = idleOf(netty);
    if (d.opened > 0 && d.closed === 0) {
      out.push(
        `ZooKeeper Netty closed none of the silent sockets (${fmt(result.settings.idleSockets)} per repetition): its factory has no ` +
          'sessionless timeout, so a client that connects and never sends holds a descriptor until it goes away. NIO, the ' +
          'reference and the floor close them.',
      );
    }
  }
  const lateOnes = result.servers.filter((s) => {
    const d = idleOf(s);
    return s.reps.length > 0 && d.closed > 0 && d.onTime < d.opened;
  });
  if (lateOnes.length > 0) {
    const list = lateOnes.map((s) => {
      const d = idleOf(s);
      return `${s.spec.id}: ${fmt(d.opened - d.onTime)} of ${fmt(d.opened)} late or not closed within the wait`;
    });
    out.push(
      `Silent sockets closed late: ${list.join('; ')}. ` +
        (lateOnes.every((s) => s.spec.backlog === undefined)
          ? 'These are the servers with a default backlog (50, 511), smaller than the burst of ' +
            `${fmt(result.settings.idleSockets)} connects: Linux keeps an overflowing handshake half-done and retries it, ` +
            'so the server accepts those sockets seconds after the client connected, and its timer starts that much later.'
          : 'A backlog smaller than the burst of connects, or a busy server, delays the accept, and the timer starts at the accept.'),
    );
  }
  if (ref) {
    const d = idleOf(ref);
    if (d.lateMedian) {
      out.push(
        `The reference closes silent sockets between ${num((d.lateMin ?? 0) + result.settings.sessionlessMs)} and ` +
          `${num((d.lateMax ?? 0) + result.settings.sessionlessMs)} ms after connect with a ${fmt(result.settings.sessionlessMs)} ms timeout: ` +
          'the expiry queue rounds each deadline up to the next bucket boundary (expiry.buckets), as ZooKeeper NIO does, ' +
          'so all of them in one burst close together; the floor uses one timer per socket and closes each on the dot.',
      );
    }
  }
  const h = result.harness;
  if (h && h.rates.length > 0) {
    const rate = (label: string) => spread(h.rates.filter((r) => r.strategy === label).map((r) => (r.runs * 1000) / r.ms))?.median;
    const same = new Set(h.kills.filter((k) => k.runsToKill !== undefined).map((k) => `${k.mutant}|${k.seed}|${k.runsToKill}`));
    const pairs = [...new Set(h.kills.map((k) => `${k.mutant}|${k.seed}`))];
    const identical = pairs.filter((p) => {
      const [m, seed] = p.split('|');
      const ks = h.kills.filter((k) => k.mutant === m && String(k.seed) === seed);
      return ks.length > 1 && ks.every((k) => k.runsToKill !== undefined && same.has(`${k.mutant}|${k.seed}|${k.runsToKill}`) && k.runsToKill === ks[0]?.runsToKill);
    }).length;
    out.push(
      `The harness ran ${num(rate('random walk'))} scenario runs/s with the random walk and ${num(rate('PCT d=2'))} with PCT: a random-walk ` +
        'schedule is up to 4,000 drawn choices, a PCT schedule a few change points and priorities, and drawing is part of a run. ' +
        `For ${identical} of ${pairs.length} mutant-seed pairs both strategies killed at the same run: the scenario, drawn first ` +
        'from the same seed, decides whether the defect is reachable; the schedule rarely does.',
    );
  }
  return out;
}
