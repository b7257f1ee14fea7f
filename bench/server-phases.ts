/**
 * One repetition against one server, every phase in order on a fresh server process:
 *   1. resident memory idle, fresh from start;  2. 5,000 sessions held, then 5,000 more: memory per session, and per further session;
 *   3. connection storms (1,000 / 5,000 / 10,000 at once);  4. pings, 50 x 10 in flight;
 *   5. resident memory idle again, warmed;  6. idle sockets that never handshake: closed on time?
 * and then, on a second fresh process (runPrefixPhase), 7. sockets that sent only a length prefix: what they cost.
 * A fresh process, because a heap made resident by the earlier phases takes new buffers without growing RSS; and
 * last, because ZooKeeper may run out of heap there.
 * A phase that fails is recorded and the next one still runs while the server lives.
 */
import { idleCloses, prefixOnlyCost } from './load/idle.ts';
import { counterDelta, readTcpCounters } from './load/kernel-counters.ts';
import { measurePings } from './load/pings.ts';
import { closeAll, openSessions, type Dialer } from './load/sessions.ts';
import type { RunSettings, ServerRep } from './results.ts';
import type { RunningServer } from './servers/catalog.ts';
import { cpuMs, rssKiB } from './servers/processes.ts';

export type Say = (phase: string, detail: string) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Time for the server to take in a wave of closes before the next phase. */
function settleAfter(clients: number): number {
  return 500 + Math.round(clients / 10);
}

function failureText(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  return entries.length === 0 ? '0 failures' : `failures: ${entries.map(([k, v]) => `${v} ${k}`).join(', ')}`;
}

/** Runs one phase unless the server is gone; a failure is recorded and reported, not thrown. */
export function phaseRunner(server: RunningServer, rep: ServerRep, say: Say) {
  return async (name: string, body: () => Promise<void>): Promise<void> => {
    if (server.proc.hasExited()) {
      rep.errors.push(`${name}: skipped, the server had ${await server.proc.exited}`);
      return;
    }
    try {
      await body();
    } catch (err) {
      const message = `${name}: ${(err as Error).message ?? String(err)}`;
      rep.errors.push(message);
      say(name, `FAILED ${message}`);
    }
  };
}

/** A storm of `clients` sessions at once (over `dialer`, plain TCP by default), recorded in rep.storms. */
export async function stormPhase(server: RunningServer, clients: number, rep: ServerRep, say: Say, dialer?: Dialer): Promise<void> {
  const { port, proc } = server;
  const cpuBefore = cpuMs(proc.pid);
  const tcpBefore = readTcpCounters();
  const storm = await openSessions(port, clients, 60_000, dialer);
  const tcp = counterDelta(tcpBefore, readTcpCounters());
  const cpuAfter = cpuMs(proc.pid);
  const serverCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  const overTls = dialer?.ready === 'secureConnect';
  const readyMs = overTls ? { readyMs: storm.readyMs } : {};
  rep.storms.push({ clients, ms: storm.ms, established: storm.established, failures: storm.failures, ...readyMs, ...(serverCpuMs !== undefined ? { serverCpuMs } : {}), ...(tcp ? { tcp } : {}) });
  const kernel = tcp ? `; accept-queue overflows ${tcp.listenOverflows}, SYN retransmits ${tcp.synRetrans}` : '';
  const handshakes = !overTls ? '' : ` (TLS handshakes all done at ${storm.readyMs.toFixed(0)} ms)`;
  say(`storm ${clients}`, `${storm.ms.toFixed(0)} ms${handshakes}, ${storm.established}/${clients} established, ${failureText(storm.failures)}; server CPU ${serverCpuMs ?? '?'} ms${kernel}`);
  await closeAll(storm.sockets, settleAfter(clients));
}

/** Pings, settings.pingConnections x settings.pingInFlight (over `dialer`, plain TCP by default), in rep.pings. */
export async function pingPhase(server: RunningServer, settings: RunSettings, rep: ServerRep, say: Say, dialer?: Dialer): Promise<void> {
  const result = await measurePings(server.port, settings.pingConnections, settings.pingInFlight, settings.pingWarmupMs, settings.pingMeasureMs, server.proc.pid, dialer);
  rep.pings = result;
  const perPing = result.serverCpuMs !== undefined && result.replies > 0 ? `, server CPU ${((result.serverCpuMs * 1000) / result.replies).toFixed(1)} µs per ping` : '';
  say(
    'pings',
    `${(result.perSecond / 1000).toFixed(1)}k/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${perPing}` +
      (result.failures > 0 ? `, ${result.failures} sessions lost` : ''),
  );
}

/** Phases 1-6 on a fresh server. */
export async function runPhases(server: RunningServer, settings: RunSettings, rep: ServerRep, say: Say): Promise<void> {
  const { port, proc } = server;
  const phase = phaseRunner(server, rep, say);

  let heapFresh: number | undefined;
  await phase('memory idle', async () => {
    await sleep(1_000);
    rep.rssFreshKiB = rssKiB(proc.pid);
    heapFresh = await server.liveHeapKiB();
    say('memory', `fresh RSS ${((rep.rssFreshKiB ?? 0) / 1024).toFixed(1)} MiB`);
  });

  await phase('memory held', async () => {
    const held = await openSessions(port, settings.heldSessions, 60_000);
    await sleep(1_000);
    const rss = rssKiB(proc.pid) ?? Number.NaN;
    const heap = await server.liveHeapKiB();
    rep.held = {
      sessions: settings.heldSessions,
      established: held.established,
      rssKiB: rss,
      ...(heap !== undefined && heapFresh !== undefined ? { liveHeapKiB: heap, liveHeapFreshKiB: heapFresh } : {}),
    };
    const per = (rss - (rep.rssFreshKiB ?? Number.NaN)) / Math.max(1, held.established);
    const heapPer = heap !== undefined && heapFresh !== undefined ? ` (live heap ${((heap - heapFresh) / Math.max(1, held.established)).toFixed(1)} KiB of it)` : '';
    say('memory', `${held.established}/${settings.heldSessions} sessions held: RSS ${(rss / 1024).toFixed(1)} MiB, ${per.toFixed(1)} KiB per session${heapPer}; ${failureText(held.failures)}`);
    // As many again: what a further session costs once the first ones have paid what is paid once.
    const more = await openSessions(port, settings.heldSessions, 60_000);
    await sleep(1_000);
    const rssMore = rssKiB(proc.pid) ?? Number.NaN;
    rep.held = { ...rep.held, more: { established: more.established, rssKiB: rssMore } };
    const further = (rssMore - rss) / Math.max(1, more.established);
    say('memory', `${more.established}/${settings.heldSessions} more held: RSS ${(rssMore / 1024).toFixed(1)} MiB, ${further.toFixed(1)} KiB per further session; ${failureText(more.failures)}`);
    await closeAll([...held.sockets, ...more.sockets], settleAfter(2 * settings.heldSessions));
  });

  for (const clients of settings.stormSizes) await phase(`storm ${clients}`, () => stormPhase(server, clients, rep, say));

  await phase('pings', () => pingPhase(server, settings, rep, say));

  await phase('memory warmed', async () => {
    await sleep(1_000);
    rep.rssWarmKiB = rssKiB(proc.pid);
    say('memory', `warmed idle RSS ${((rep.rssWarmKiB ?? 0) / 1024).toFixed(1)} MiB`);
  });

  await phase('idle sockets', async () => {
    const idle = await idleCloses(port, settings.idleSockets, settings.sessionlessMs, settings.idleWaitMs);
    rep.idle = idle;
    const late = idle.latenessMs ? `, lateness min/median/max ${idle.latenessMs.min.toFixed(0)}/${idle.latenessMs.median.toFixed(0)}/${idle.latenessMs.max.toFixed(0)} ms` : '';
    say('idle sockets', `${idle.closed}/${idle.opened} closed, ${idle.onTime} on time, ${idle.early} early${late}`);
  });

}

/** Phase 7 on another fresh server: 1,000 sockets that send only a length prefix. */
export async function runPrefixPhase(server: RunningServer, settings: RunSettings, rep: ServerRep, say: Say): Promise<void> {
  await phaseRunner(server, rep, say)('length prefix only', async () => {
    await sleep(1_000);
    const prefix = await prefixOnlyCost(server.port, server.proc.pid, settings.prefixSockets, settings.prefixLength, settings.prefixHoldMs, server.liveHeapKiB);
    rep.prefix = prefix;
    const cost = (prefix.peakKiB - prefix.beforeKiB) / 1024;
    const heap =
      prefix.liveHeapHeldKiB !== undefined && prefix.liveHeapBeforeKiB !== undefined
        ? `, live heap +${((prefix.liveHeapHeldKiB - prefix.liveHeapBeforeKiB) / 1024).toFixed(1)} MiB`
        : '';
    say(
      'length prefix',
      `${prefix.sockets} sockets announcing ${settings.prefixLength.toLocaleString('en-US')} bytes: +${cost.toFixed(1)} MiB RSS at peak${heap}` +
        (prefix.closedEarly > 0 ? `, ${prefix.closedEarly} closed by the server while held` : '') +
        (prefix.serverDied ? ', THE SERVER DIED' : ''),
    );
  });
}
