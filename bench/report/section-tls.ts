/**
 * (f) Over TLS (issue 13): the TLS handshake storm and pings over TLS, the reference Netty-style factory beside
 * Apache ZooKeeper 3.8's Netty factory, as ratios within the run, with the load average of the run and a reading of
 * what dominates where the reference is slower (from the server CPU per handshake and per ping).
 * The section sits between two markers, so that a run of the TLS servers alone (`--only tls`) replaces just this
 * section of an existing docs/benchmarks.md (spliceTlsSection) and keeps the plaintext figures of the last full run.
 */
import type { RunResult, ServerResult } from '../results.ts';
import { ZK_NETTY_TLS_ID } from '../servers/catalog.ts';
import { TLS_CLIENT_AUTH, TLS_PROTOCOL, TLS_SUITE } from '../servers/tls-stores.ts';
import { fmt, ratio, showSpread, spread, type Spread } from '../stats.ts';
import { DEFAULT_TLS_STORM_SIZES, TLS_SESSIONLESS_MS, TLS_WARMUP_CLIENTS } from '../tls-phases.ts';
import { pingsOf, stormOf } from './aggregate.ts';
import { find, measuredTls, table } from './md-table.ts';

const TLS_BEGIN_TAG = '<!-- tls:begin';
export const TLS_BEGIN = `${TLS_BEGIN_TAG} (bench/report/section-tls.ts; \`npm run bench -- --only tls\` rewrites only this section) -->`;
export const TLS_END = '<!-- tls:end -->';

const thousands = (s: Spread | undefined): Spread | undefined => s && { ...s, median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 };

function stormSizes(result: RunResult): readonly number[] {
  return result.settings.tlsStormSizes ?? DEFAULT_TLS_STORM_SIZES;
}

/** Server CPU per session of the storm of `clients`, in ms, over the repetitions. */
function cpuPerHandshake(server: ServerResult, clients: number): Spread | undefined {
  return spread(server.reps.flatMap((r) => r.storms.filter((s) => s.clients === clients).map((s) => (s.serverCpuMs === undefined ? undefined : s.serverCpuMs / clients))));
}

function handshakesDone(server: ServerResult, clients: number): Spread | undefined {
  return spread(server.reps.flatMap((r) => r.storms.filter((s) => s.clients === clients).map((s) => s.readyMs)));
}

/** The plaintext server this TLS server is the twin of, when the same run measured it. */
function plaintextTwin(result: RunResult, server: ServerResult): ServerResult | undefined {
  return find(result, server.spec.id.replace(/-tls$/, ''));
}

function runLine(result: RunResult): string {
  const s = result.settings;
  const only = s.only === undefined ? '' : ` --only '${typeof s.only === 'string' ? s.only : s.only.source}'`;
  const args = `${s.quick ? ' --quick' : ''}${only}`;
  const load = (l: readonly number[] | undefined) => (l ? l.map((x) => x.toFixed(2)).join(' / ') : '-');
  const loads = spread(measuredTls(result).flatMap((server) => server.reps.map((r) => r.loadAvg1)));
  return (
    `Run ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC, \`npm run bench${args ? ` --${args}` : ''}\`: ${s.reps} repetition(s) per measurement` +
    `${s.reps >= 3 ? ', medians with min-max' : ''}, each on a fresh server process, the servers taking turns (each repetition starts one server further on). ` +
    `Load average (1 / 5 / 15 min) ${load(result.machine.loadStart)} at the start of the run and ${load(result.machine.loadEnd)} at its end` +
    `${loads ? `; 1-min load average as each TLS server started: ${showSpread(loads, 2)}` : ''}. ${result.machine.cores} cores shared by the load generator, ` +
    'the server and other engineers\' work: compare the servers by the ratios, within this run.'
  );
}

function setupText(result: RunResult): string {
  const negotiated = [...new Set(measuredTls(result).flatMap((server) => server.reps.map((r) => r.tlsNegotiated)).filter((n) => n !== undefined))];
  return (
    'Each server serves a secure client port only (ZooKeeper keeps its plain port too, idle, for `ruok`), with a PEM key store ' +
    'made by openssl for the run (an EC P-256 CA and server certificate; none is committed) and the same zoo.cfg lines under ' +
    `ZooKeeper's property names: \`ssl.keyStore.location\`, \`ssl.keyStore.type=PEM\`, \`ssl.trustStore.location\`, \`ssl.trustStore.type=PEM\`, ` +
    `\`ssl.protocol=${TLS_PROTOCOL}\` (ZooKeeper 3.8's default), \`ssl.ciphersuites=${TLS_SUITE}\`, \`ssl.clientAuth=${TLS_CLIENT_AUTH}\` ` +
    '(the clients present no certificate). ZooKeeper runs with `serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory`; ' +
    'the reference is the Netty-style factory in the node server, which reads the same lines as `cnxnspec serve` does. ' +
    `Negotiated: ${negotiated.length > 0 ? negotiated.join('; ') : 'nothing recorded'}. The clients are node:tls, one full handshake each ` +
    '(no session resumption), the server certificate checked against the CA; a ConnectRequest goes out as soon as the handshake is done. ' +
    `Before the storms each server takes an unrecorded warm-up storm of ${fmt(TLS_WARMUP_CLIENTS)} clients, so that the first handshakes of a fresh process (class loading, JIT compilation) are in no measured storm. ` +
    `Every server closes a connection that has not completed its TLS handshake and sent its ConnectRequest within ${fmt(TLS_SESSIONLESS_MS / 1000)} s ` +
    '(the reference: its idle timeout, set to the NIO default sessionlessCnxnTimeout here rather than the 2 s of the plaintext phases, which a ' +
    'storm of TLS handshakes on two busy cores outlasts; ZooKeeper: the TLS handshake timeout of Netty\'s SslHandler, 10 s by default).'
  );
}

function stormTable(result: RunResult): string[] {
  const sizes = stormSizes(result);
  const biggest = sizes[sizes.length - 1] as number;
  const zk = find(result, ZK_NETTY_TLS_ID);
  const zkBig = zk ? stormOf(zk, biggest).ms?.median : undefined;
  const rows = measuredTls(result).map((server) => {
    const figs = sizes.map((n) => stormOf(server, n));
    const failures = figs.map((f) => (f.failures > 0 ? `${f.failures} (${Object.entries(f.kinds).map(([k, v]) => `${v} ${k}`).join(', ')})` : '0')).join(' / ');
    return [
      server.spec.id,
      ...figs.map((f) => showSpread(f.ms)),
      showSpread(handshakesDone(server, biggest)),
      failures,
      showSpread(cpuPerHandshake(server, biggest), 2),
      ratio(stormOf(server, biggest).ms?.median, zkBig),
    ];
  });
  return table(
    ['server', ...sizes.map((n) => `${fmt(n)} clients (ms)`), `${fmt(biggest)}: all handshakes done (ms)`, `failures (${sizes.map((n) => fmt(n)).join(' / ')})`, `${fmt(biggest)}: server CPU ms per client`, `${fmt(biggest)}: time vs ZK Netty TLS`],
    rows,
  );
}

function pingTable(result: RunResult): string[] {
  const zk = find(result, ZK_NETTY_TLS_ID);
  const zkPings = zk ? pingsOf(zk) : undefined;
  const rows = measuredTls(result).map((server) => {
    const p = pingsOf(server);
    const twin = plaintextTwin(result, server);
    return [
      server.spec.id,
      showSpread(thousands(p.perSecond), 1, 'k'),
      showSpread(p.p50, 2),
      showSpread(p.p99, 2),
      showSpread(p.cpuUs, 1),
      ratio(p.perSecond?.median, zkPings?.perSecond?.median),
      ratio(p.p99?.median, zkPings?.p99?.median),
      ratio(p.perSecond?.median, twin ? pingsOf(twin).perSecond?.median : undefined),
      String(p.lost),
    ];
  });
  return table(['server', 'pings/s', 'p50 ms', 'p99 ms', 'server CPU µs per ping', 'pings/s vs ZK Netty TLS', 'p99 vs ZK Netty TLS', 'pings/s vs itself in plaintext (this run)', 'sessions lost'], rows);
}

/** Facts about the two TLS stacks (checked on this machine), said once under the per-server reading. */
const WHERE_TLS_RUNS =
  'Where the TLS work runs: the reference\'s secure channels are node:tls sockets, so the handshakes and the record ' +
  'encryption are OpenSSL (C) called from the node server\'s one event loop thread, one connection after another. ' +
  'ZooKeeper 3.8 wraps each channel in Netty\'s SslHandler over a JdkSslContext (its SSLContextAndOptions builds one), so ' +
  'its TLS is the JDK\'s own JSSE, Java code run on its Netty worker threads across both cores; netty-tcnative, Netty\'s ' +
  'OpenSSL binding, is not on its classpath. The CPU columns compare what the two cost; the times also depend on ' +
  'ZooKeeper spreading its work over both cores, which the reference cannot.';

/** Per reference server: where it is slower than ZooKeeper over TLS, and whether cost or parallelism dominates. */
export function tlsReading(result: RunResult): string[] {
  const zk = find(result, ZK_NETTY_TLS_ID);
  if (zk === undefined) return [];
  const sizes = stormSizes(result);
  const biggest = sizes[sizes.length - 1] as number;
  const zkStorm = stormOf(zk, biggest).ms?.median;
  const zkHandshake = cpuPerHandshake(zk, biggest)?.median;
  const zkPings = pingsOf(zk);
  const num = (x: number | undefined, digits: number) => (x === undefined || !Number.isFinite(x) ? '?' : fmt(x, digits));
  const why = (what: string, ours: number | undefined, theirs: number | undefined, unit: string, digits: number) =>
    ours !== undefined && theirs !== undefined && ours > theirs
      ? `its server CPU per ${what} is higher (${num(ours, digits)} against ${num(theirs, digits)} ${unit}): cost dominates`
      : `its server CPU per ${what} is not higher (${num(ours, digits)} against ${num(theirs, digits)} ${unit}), so what dominates is that all of it runs on the one event loop ` +
        '(node does the TLS work of every connection on the main thread), while ZooKeeper spreads it over its event loop threads on both cores';
  return measuredTls(result)
    .filter((server) => server.spec.family === 'reference')
    .map((server) => {
      const storm = stormOf(server, biggest).ms?.median;
      const p = pingsOf(server);
      const slower: string[] = [];
      if (storm !== undefined && zkStorm !== undefined && storm > zkStorm) slower.push(`the storm of ${fmt(biggest)} (${ratio(storm, zkStorm)} ZooKeeper's time): ${why('handshake', cpuPerHandshake(server, biggest)?.median, zkHandshake, 'ms', 2)}`);
      const rate = p.perSecond?.median;
      const zkRate = zkPings.perSecond?.median;
      if (rate !== undefined && zkRate !== undefined && rate < zkRate) slower.push(`pings/s (${ratio(rate, zkRate)}): ${why('ping', p.cpuUs?.median, zkPings.cpuUs?.median, 'µs', 1)}`);
      if (p.p99?.median !== undefined && zkPings.p99?.median !== undefined && p.p99.median > zkPings.p99.median && slower.length === 0) {
        slower.push(`p99 (${ratio(p.p99.median, zkPings.p99.median)}) though not pings/s: the tail of a shared machine, not a cost the run can attribute`);
      }
      return slower.length === 0
        ? `- ${server.spec.id} is not slower than ZooKeeper Netty over TLS here: storm of ${fmt(biggest)} ${ratio(storm, zkStorm)} its time, pings/s ${ratio(rate, zkRate)}, p99 ${ratio(p.p99?.median, zkPings.p99?.median)}; ` +
            `server CPU per handshake ${num(cpuPerHandshake(server, biggest)?.median, 2)} against ${num(zkHandshake, 2)} ms, per ping ${num(p.cpuUs?.median, 1)} against ${num(zkPings.cpuUs?.median, 1)} µs.`
        : `- ${server.spec.id} is slower on ${slower.join('; and on ')}.`;
    });
}

/** The section, between its markers; empty when the run measured no server over TLS. */
export function tlsSection(result: RunResult): string[] {
  const servers = measuredTls(result);
  if (servers.length === 0) return [];
  const s = result.settings;
  const errors = servers.flatMap((server) => server.reps.flatMap((r) => r.errors.map((e) => `- ${server.spec.id} rep ${r.rep}: ${e}`)));
  const reading = tlsReading(result);
  return [
    TLS_BEGIN,
    '## (f) Over TLS: the reference Netty-style factory and ZooKeeper 3.8 Netty (issue 13)',
    '',
    runLine(result),
    '',
    setupText(result),
    '',
    '### TLS handshake storm',
    '',
    'N clients connect at the same moment; the time runs from the first connect call until the last ConnectResponse, in ms; ' +
      '"all handshakes done" is when the last client finished its TLS handshake. A client fails on an error, a close, or no ' +
      'ConnectResponse within 60 s. Server CPU per client is the server process\'s CPU time over the storm (all threads) ' +
      'divided by the clients: the cost of a TLS handshake and a session there, which depends little on what else runs.',
    '',
    ...stormTable(result),
    '',
    '### Pings over TLS',
    '',
    `${s.pingConnections} sessions over TLS, each keeping ${s.pingInFlight} pings in flight, ${fmt(s.pingWarmupMs / 1000, 1)} s of warm-up, ` +
      `then ${fmt(s.pingMeasureMs / 1000, 1)} s measured, exactly as the plaintext ping phase (b); each ping and reply is a TLS record ` +
      'or shares one with its neighbours. The last ratio compares a server with its plaintext self in (b), when the same run measured both.',
    '',
    ...pingTable(result),
    '',
    ...(reading.length > 0 ? ['### The reference against ZooKeeper: is it slower, and what dominates', '', ...reading, '', WHERE_TLS_RUNS, ''] : []),
    ...(errors.length > 0 ? ['### Errors during the TLS part', '', ...errors, ''] : []),
    TLS_END,
    '',
  ];
}

/**
 * Puts a rendered TLS section into an existing report: in place of the previous one, else before the errors section,
 * else at the end. The rest of the report is kept byte for byte.
 */
export function spliceTlsSection(doc: string, section: readonly string[]): string {
  const lines = [...section];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const text = lines.join('\n');
  const begin = doc.indexOf(TLS_BEGIN_TAG);
  const end = doc.indexOf(TLS_END);
  if (begin >= 0 && end > begin) return doc.slice(0, begin) + text + doc.slice(end + TLS_END.length);
  const errors = doc.indexOf('\n## Errors during the run');
  if (errors >= 0) return `${doc.slice(0, errors + 1)}${text}\n\n${doc.slice(errors + 1)}`;
  return `${doc.replace(/\n*$/, '\n')}\n${text}\n`;
}
