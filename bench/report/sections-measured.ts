/** The report's measurement sections: (a) storms, (b) pings, (c) memory, (d) idle sockets, and errors. */
import { ON_TIME_SLACK_MS } from '../load/idle.ts';
import type { RunResult } from '../results.ts';
import { BARE_ID, ZK_NETTY_ID, ZK_NIO_4096_ID } from '../servers/catalog.ts';
import { fmt, ratio, showSpread } from '../stats.ts';
import { idleOf, memoryOf, pingsOf, prefixOf, stormOf } from './aggregate.ts';
import { find, measured, table } from './md-table.ts';

export function stormSection(result: RunResult): string[] {
  const sizes = result.settings.stormSizes;
  const zk = find(result, ZK_NIO_4096_ID);
  const bare = find(result, BARE_ID);
  const biggest = sizes[sizes.length - 1] as number;
  const rows = measured(result).map((s) => {
    const figs = sizes.map((n) => stormOf(s, n));
    const failures = figs.map((f) => (f.failures > 0 ? `${f.failures} (${Object.entries(f.kinds).map(([k, v]) => `${v} ${k}`).join(', ')})` : '0')).join(' / ');
    const big = stormOf(s, biggest).ms?.median;
    return [
      s.spec.id,
      ...figs.map((f) => showSpread(f.ms)),
      failures,
      showSpread(stormOf(s, biggest).cpuMs),
      `${showSpread(stormOf(s, biggest).overflows)} / ${showSpread(stormOf(s, biggest).synRetrans)}`,
      ratio(big, zk ? stormOf(zk, biggest).ms?.median : undefined),
      ratio(big, bare ? stormOf(bare, biggest).ms?.median : undefined),
    ];
  });
  return [
    '## (a) Connection storm',
    '',
    `N clients connect at the same moment (one \`net.connect\` each, in one loop), each sends a ConnectRequest as soon as ` +
      'it is connected; the figure is the time from the first connect call until the last ConnectResponse has arrived, ' +
      'in ms, median (min-max). A client fails if it gets an error, a close, or no ConnectResponse within 60 s. ' +
      '"Server CPU" is the CPU time (user + system, all threads, from /proc/<pid>/stat, 10 ms ticks) the server process ' +
      'used meanwhile: unlike wall time it hardly depends on what else runs on the machine. The kernel counters ' +
      '(/proc/net/netstat, whole machine) show the backlog at work: an accept-queue overflow drops the client\'s ' +
      'final ACK or SYN, and the client sends its SYN again after 1 s (then 3 s, 7 s), which is the step in the storm times.',
    '',
    ...table(['server', ...sizes.map((n) => `${fmt(n)} clients (ms)`), `failures (${sizes.map((n) => fmt(n)).join(' / ')})`, `${fmt(biggest)}: server CPU ms`, `${fmt(biggest)}: accept-queue overflows / SYN retransmits`, `${fmt(biggest)}: vs ZK NIO 4096`, `${fmt(biggest)}: vs floor`], rows),
    '',
    `![storm time against clients](bench-storm.svg)`,
    '',
  ];
}

export function pingSection(result: RunResult): string[] {
  const zk = find(result, ZK_NIO_4096_ID);
  const netty = find(result, ZK_NETTY_ID);
  const s = result.settings;
  const rows = measured(result).map((server) => {
    const p = pingsOf(server);
    return [
      server.spec.id,
      showSpread(p.perSecond && { ...p.perSecond, median: p.perSecond.median / 1000, min: p.perSecond.min / 1000, max: p.perSecond.max / 1000 }, 1, 'k'),
      showSpread(p.p50, 2),
      showSpread(p.p99, 2),
      showSpread(p.cpuUs, 1),
      ratio(p.perSecond?.median, zk ? pingsOf(zk).perSecond?.median : undefined),
      ratio(p.perSecond?.median, netty ? pingsOf(netty).perSecond?.median : undefined),
      String(p.lost),
    ];
  });
  return [
    '## (b) Pings',
    '',
    `${s.pingConnections} sessions, each keeping ${s.pingInFlight} pings in flight (every reply is answered with a new ping), ` +
      `${fmt(s.pingWarmupMs / 1000, 1)} s of warm-up, then ${fmt(s.pingMeasureMs / 1000, 1)} s measured. Latency is from writing ` +
      'a ping to reading its reply (replies on a connection come back in order), so it includes the load generator\'s own ' +
      'queueing, the same for every server. With a fixed 500 pings in flight, Little\'s law ties the two: mean latency = ' +
      '500 / (pings/s), so a server under 50k pings/s cannot have a p50 under 10 ms here. "Server CPU µs per ping" is the ' +
      'CPU time of the server process over the measured window divided by the replies: the cost of a ping on that server, ' +
      'which unlike pings/s does not depend much on how busy the other processes keep the two cores.',
    '',
    ...table(['server', 'pings/s', 'p50 ms', 'p99 ms', 'server CPU µs per ping', 'pings/s vs ZK NIO 4096', 'pings/s vs ZK Netty', 'sessions lost'], rows),
    '',
    '![pings/s and p99 per server](bench-pings.svg)',
    '',
  ];
}

export function memorySection(result: RunResult): string[] {
  const s = result.settings;
  const zk = find(result, ZK_NIO_4096_ID);
  const rows = measured(result).map((server) => {
    const m = memoryOf(server);
    const p = prefixOf(server);
    return [
      server.spec.id,
      showSpread(m.freshMiB, 1),
      showSpread(m.heldMiB, 1),
      showSpread(m.perSessionKiB, 1) + (m.heldShort > 0 ? ` (${m.heldShort} not established)` : ''),
      showSpread(m.heapPerSessionKiB, 1),
      showSpread(m.perFurtherSessionKiB, 1),
      ratio(m.perSessionKiB?.median, zk ? memoryOf(zk).perSessionKiB?.median : undefined),
      showSpread(m.warmMiB, 1),
      showSpread(p.costMiB, 1) + (p.died > 0 ? ' (server died)' : ''),
      showSpread(p.perSocketKiB, 1),
      showSpread(p.heapMiB, 1),
      p.sockets > 0 ? `${p.closedEarly}/${p.sockets}` : '-',
      p.outOfMemoryReps > 0 ? `**${p.outOfMemoryReps}/${server.reps.length}** (${p.outOfMemoryThreads.length} threads)` : p.sockets > 0 ? 'no' : '-',
    ];
  });
  return [
    '## (c) Resident memory',
    '',
    `RSS is VmRSS of the server process from /proc/<pid>/status. "fresh": 1 s after start, before any client. "held": ` +
      `with ${fmt(s.heldSessions)} sessions open (handshake done, then idle), the first thing a fresh server sees; per session = ` +
      `(held - fresh) / sessions. "Per further session": then as many sessions again are opened, and (RSS with all held - held) / ` +
      `those sessions: what one more session costs once the first ones have paid what a server pays once (for a node server, V8's young ` +
      `generation grows to its cap while the first sessions open: see "RSS per held session: where the rest goes" below). "Live heap" is what the program keeps, read after a full collection: V8 heap used plus ` +
      `off-heap buffers (process.memoryUsage(), asked of a node server over its stdin, run with --expose-gc) or the Java ` +
      `heap used after \`jcmd <pid> GC.run\`; the rest of the RSS is the runtime's headroom and native memory. "warmed": ` +
      `idle again after the storms and the pings. (c') On a second fresh server process, 1 s after start, ${fmt(s.prefixSockets)} sockets each send only a ` +
      `4-byte length prefix announcing ${fmt(s.prefixLength)} bytes and nothing more; the cost is the highest RSS over the next ` +
      `${fmt(s.prefixHoldMs / 1000, 1)} s minus the RSS just before (the sessionless timeout closes them later), and the live heap ` +
      `500 ms after the prefixes went out minus before (a fresh process, because a heap made resident by earlier phases ` +
      `takes new buffers without growing RSS).`,
    '',
    ...table(['server', 'fresh MiB', 'held MiB', 'KiB per held session', 'of which live heap', 'KiB per further session', 'per session vs ZK NIO 4096', 'warmed MiB', "(c') prefix-only: RSS MiB", "(c') RSS KiB per socket", "(c') live heap MiB", "(c') closed while held", "(c') OutOfMemoryError in the log"], rows),
    '',
  ];
}

export function idleSection(result: RunResult): string[] {
  const s = result.settings;
  const rows = measured(result).map((server) => {
    const d = idleOf(server);
    const late = d.lateMedian ? `${fmt(d.lateMin ?? 0)} / ${showSpread(d.lateMedian)} / ${fmt(d.lateMax ?? 0)}` : '-';
    return [server.spec.id, `${d.closed}/${d.opened}`, `${d.onTime}/${d.opened}`, String(d.early), late];
  });
  return [
    '## (d) Idle sockets that never handshake',
    '',
    `${fmt(s.idleSockets)} sockets connect and send nothing; the sessionless timeout is ${fmt(s.sessionlessMs)} ms on every server ` +
      `(ZooKeeper: \`-Dzookeeper.nio.sessionlessCnxnTimeout=${s.sessionlessMs}\`; reference: \`sessionlessCnxnTimeout\`; bare: ` +
      `node's socket timeout). The run waits ${fmt((s.sessionlessMs + s.idleWaitMs) / 1000, 1)} s, then counts. Lateness = time from connect to ` +
      `the close the client sees, minus the timeout. "On time" = closed within [t, 2t + ${ON_TIME_SLACK_MS} ms]: expiry.buckets ` +
      'allows up to one bucket interval (= the timeout) of lateness, because deadlines are rounded up to the next bucket.',
    '',
    ...table(['server', 'closed', 'on time', 'early', 'lateness ms: min / median / max'], rows),
    '',
  ];
}

/** Errors of the plaintext servers (the TLS section lists its own). */
export function errorsSection(result: RunResult): string[] {
  const errors = result.servers.filter((s) => s.spec.tls !== true).flatMap((s) => s.reps.flatMap((r) => r.errors.map((e) => `- ${s.spec.id} rep ${r.rep}: ${e}`)));
  return errors.length === 0 ? [] : ['## Errors during the run', '', ...errors, ''];
}
