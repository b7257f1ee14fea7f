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
    '3. The context every promise carries. On Node 20 the node runtime\'s AsyncLocalStorage (the current logical thread) ' +
      'makes every promise run the async_hooks promise hooks: about 10% of the server\'s CPU samples under pings and 3% ' +
      'in a storm were in node:internal/async_hooks; garbage collection took about 6%.',
    '',
    'What would close the gap, in order of effect: let a pass complete every frame already read into user space, up to a ' +
      'budget (a change to cnxn.framing, whose rationale, fairness between connections, a budget keeps); make hand-offs to ' +
      'an idle logical thread synchronous instead of a promise hop; cheaper context (Node 22\'s AsyncContextFrame, ' +
      '`--experimental-async-context-frame`, the default in Node 24, or no AsyncLocalStorage while tracing is off); fewer ' +
      'allocations per frame (the node runtime copies every write with Buffer.from).',
    '',
  ];
}

function stormWhy(result: RunResult, id: string, against: 'floor' | 'zk'): string {
  const ref = byId(result, id);
  const bare = byId(result, BARE_ID);
  const zk = byId(result, ZK_NIO_4096_ID);
  const refCpu = ref ? stormOf(ref, STORM).cpuMs?.median : undefined;
  const bareCpu = bare ? stormOf(bare, STORM).cpuMs?.median : undefined;
  const zkCpu = zk ? stormOf(zk, STORM).cpuMs?.median : undefined;
  const overflows = ref ? stormOf(ref, STORM).overflows?.median : undefined;
  const retrans = ref ? stormOf(ref, STORM).synRetrans?.median : undefined;
  const cpu =
    `server CPU for the ${fmt(STORM)} handshakes ${num(refCpu)} ms against ${num(bareCpu)} ms for the floor` +
    `${refCpu && bareCpu ? ` (${(refCpu / bareCpu).toFixed(1)}x)` : ''} and ${num(zkCpu)} ms for ZooKeeper NIO 4096 (over its threads, on both cores)`;
  const backlog =
    id === REFERENCE_DEFAULT_ID
      ? `With node's default backlog of 511 the accept queue overflowed (${num(overflows)} overflows, ${num(retrans)} SYN retransmits ` +
        'in the kernel\'s counters during this storm), and each dropped handshake costs its client at least 1 s: set ' +
        'clientPortListenBacklog (no code), or give the reference a larger default than the platform\'s (Netty takes ' +
        'net.core.somaxconn). Beyond that: '
      : '';
  const close =
    against === 'floor'
      ? 'the per-connection work of causes 2 and 3 is what separates it from the floor.'
      : 'besides causes 2 and 3, ZooKeeper uses both cores (cause 1), so the reference must come near the floor\'s work per connection to beat it.';
  return `${backlog}${cpu}; ${close}`;
}

function pingsWhy(result: RunResult): string {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const netty = byId(result, ZK_NETTY_ID);
  const bare = byId(result, BARE_ID);
  const us = (s: ServerResult | undefined) => (s ? pingsOf(s).cpuUs?.median : undefined);
  return (
    `server CPU per ping: reference ${num(us(ref), 1)} µs, ZooKeeper Netty ${num(us(netty), 1)} µs (on two cores), floor ` +
    `${num(us(bare), 1)} µs. Ten passes for the ten pings of one read (cause 2) on one core (cause 1), each with the ` +
    'context cost of cause 3.'
  );
}

function p99Why(result: RunResult): string {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const p = ref ? pingsOf(ref) : undefined;
  const inFlight = result.settings.pingConnections * result.settings.pingInFlight;
  const little = p?.perSecond ? (inFlight / p.perSecond.median) * 1000 : undefined;
  return (
    `With ${inFlight} pings always in flight, Little's law makes the mean latency ${inFlight} / throughput = ` +
    `${num(little, 1)} ms at ${num((p?.perSecond?.median ?? 0) / 1000, 1)}k pings/s (measured p50 ${num(p?.p50?.median, 1)} ms), ` +
    'so a p99 under 10 ms needs well over 50k pings/s first: this target follows the throughput one. The tail on top ' +
    'comes from the machine being shared (load average in the table above) and from GC pauses of the server and of ' +
    'the load generator. What would close it: what closes the pings target.'
  );
}

function memoryWhy(result: RunResult): string {
  const ref = byId(result, REFERENCE_DEFAULT_ID);
  const bare = byId(result, BARE_ID);
  const m = ref ? memoryOf(ref) : undefined;
  const b = bare ? memoryOf(bare) : undefined;
  const handler = result.handlerNote?.split(' | ')[0] ?? 'the handler';
  return (
    `RSS per held session: reference ${num(m?.perSessionKiB?.median, 1)} KiB (live heap ${num(m?.heapPerSessionKiB?.median, 1)} KiB of it), ` +
    `floor ${num(b?.perSessionKiB?.median, 1)} KiB (live heap ${num(b?.heapPerSessionKiB?.median, 1)} KiB), both serving ${handler}, whose ` +
    'own per-session state counts in both (the 8 KiB target was set against a floor of 6.6 KiB measured with a minimal ' +
    'echo handler). Heap snapshots with 0 and 5,000 sessions held show what the reference adds per connection: its ' +
    'objects (NIOServerCnxn, NodeSocketChannel, NodeSelectionKey, FrameReader with its 4-byte length buffer, ' +
    'OutgoingBuffers, the expiry entry: about 1 KiB); a Map from selector to key in every channel (about 420 bytes for ' +
    'what is nearly always one entry); and, the largest single item, about 1.3 KiB of property dictionaries on 5 closures: the node ' +
    'runtime\'s socket channel creates its listeners (onData, onEnd, onError, onClose, onFlushed) as class-field arrow ' +
    'functions, and tsx, which runs the TypeScript sources, compiles with esbuild\'s keepNames, which wraps each in ' +
    '`__name` (Object.defineProperty of `name`) and turns its properties into a dictionary of about 260 bytes. The rest ' +
    'of the RSS is V8\'s heap headroom, which grows with the live heap, and native socket state. What would close it: ' +
    'listeners as prototype methods bound once or one shared listener object (or a compiled build without keepNames); ' +
    'one key field in place of the Map while a channel is registered with one selector; creating FrameReader and ' +
    'OutgoingBuffers storage on first use.'
  );
}

/** Why one missed target was missed, and what would close it (the common causes are printed once, above). */
export function whyMissed(id: TargetId, _verdict: TargetVerdict, result: RunResult): string {
  switch (id) {
    case 'storm-floor':
      return stormWhy(result, REFERENCE_DEFAULT_THREADS_ID, 'floor');
    case 'storm-zk':
      return stormWhy(result, REFERENCE_DEFAULT_THREADS_ID, 'zk');
    case 'storm-floor-default-backlog':
      return stormWhy(result, REFERENCE_DEFAULT_ID, 'floor');
    case 'storm-zk-default-backlog':
      return stormWhy(result, REFERENCE_DEFAULT_ID, 'zk');
    case 'pings':
      return pingsWhy(result);
    case 'p99':
      return p99Why(result);
    case 'per-session':
      return memoryWhy(result);
    case 'prefix': {
      const ref = byId(result, REFERENCE_DEFAULT_ID);
      const bare = byId(result, BARE_ID);
      const p = ref ? prefixOf(ref) : undefined;
      const b = bare ? prefixOf(bare) : undefined;
      return (
        `RSS grew ${num(p?.perSocketKiB?.median, 1)} KiB per socket on a fresh reference process (the floor: ${num(b?.perSocketKiB?.median, 1)} KiB), ` +
        `while its live heap grew only ${num(p?.heapMiB?.median, 1)} MiB in all: the rest is V8 growing a young heap and ` +
        'native socket state, which a fresh process pays at once. Of the live heap, about 4 KiB per socket is a payload ' +
        'chunk FrameReader allocates as soon as the length is read, before any payload byte has arrived (its first ' +
        '`grow()` runs when 0 bytes are filled of 0 reserved), and the rest is the connection itself (see the ' +
        'per-session target). What would close it: allocate the first chunk only once payload bytes are readable, and ' +
        'the per-connection savings of the memory target. Either way the cost does not grow with the announced length, ' +
        'unlike ZooKeeper\'s (below).'
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
