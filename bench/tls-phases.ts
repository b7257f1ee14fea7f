/**
 * One repetition against one server over TLS (issue 13), on a fresh server process:
 *   0. wait until the secure port serves a session, and record what it negotiated; then an unrecorded warm-up storm of
 *      TLS_WARMUP_CLIENTS, so that the first handshakes of a fresh process (class loading and JIT compilation of the
 *      JVM's TLS code) fall in no measured storm: a storm is about a server that has been running;
 *   1. TLS handshake storms (settings.tlsStormSizes clients at once, each a full handshake, then a ConnectRequest);
 *   2. pings over TLS, settings.pingConnections x settings.pingInFlight, as the plaintext ping phase.
 * The same phase bodies as the plaintext run (server-phases.ts), with the TLS dialer of load/tls.ts.
 */
import { SESSIONLESS_CNXN_TIMEOUT_MS } from '../spec/knobs.ts';
import { closeAll, openSessions } from './load/sessions.ts';
import { tlsDialer, waitForTlsSession, type ClientTls } from './load/tls.ts';
import type { RunSettings, ServerRep } from './results.ts';
import { phaseRunner, pingPhase, stormPhase, type Say } from './server-phases.ts';
import type { RunningServer } from './servers/catalog.ts';

/** ZooKeeper's secure factory comes up after `ruok` answers on its plain port. */
const TLS_READY_MS = 30_000;
/** Fallback for a results file older than tlsStormSizes. */
export const DEFAULT_TLS_STORM_SIZES: readonly number[] = [1_000];
export const TLS_WARMUP_CLIENTS = 300;
/**
 * The reference's timeout before a ConnectRequest, for the servers over TLS: the default (as ZooKeeper's), because a
 * storm of full handshakes on two shared cores lasts far longer than the 2 s the plaintext idle-socket phase uses.
 */
export const TLS_SESSIONLESS_MS = SESSIONLESS_CNXN_TIMEOUT_MS;

export async function runTlsPhases(server: RunningServer, settings: RunSettings, rep: ServerRep, say: Say, client: ClientTls): Promise<void> {
  const phase = phaseRunner(server, rep, say);
  const dialer = tlsDialer(client);
  let ready = false;
  await phase('tls ready', async () => {
    rep.tlsNegotiated = await waitForTlsSession(server.port, client, TLS_READY_MS);
    ready = true;
    say('tls', `serving sessions over ${rep.tlsNegotiated}`);
  });
  if (!ready) return;
  await phase('tls warm-up', async () => {
    const warm = await openSessions(server.port, TLS_WARMUP_CLIENTS, 60_000, dialer);
    say('tls warm-up', `${warm.established}/${TLS_WARMUP_CLIENTS} sessions in ${warm.ms.toFixed(0)} ms (not recorded)`);
    await closeAll(warm.sockets, 1_000);
  });
  for (const clients of settings.tlsStormSizes ?? DEFAULT_TLS_STORM_SIZES) await phase(`tls storm ${clients}`, () => stormPhase(server, clients, rep, say, dialer));
  await phase('tls pings', () => pingPhase(server, settings, rep, say, dialer));
}
