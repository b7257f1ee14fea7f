/**
 * The kernel's TCP counters that explain a storm (from /proc/net/netstat, TcpExt): ListenOverflows (a completed
 * connection found the accept queue full, i.e. the listen backlog), TCPReqQFullDoCookies (the SYN queue was full and
 * a SYN cookie was sent instead), TCPSynRetrans (SYNs the clients had to send again, each after a timeout of 1 s,
 * then 3 s, ...). They count for the whole network namespace, so other work on the machine may add a little.
 */
import { readFileSync } from 'node:fs';

export interface TcpCounters {
  readonly listenOverflows: number;
  readonly synCookies: number;
  readonly synRetrans: number;
}

export function readTcpCounters(): TcpCounters | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/).map(Number);
    const get = (name: string) => values[names.indexOf(name)] ?? 0;
    return { listenOverflows: get('ListenOverflows'), synCookies: get('TCPReqQFullDoCookies'), synRetrans: get('TCPSynRetrans') };
  } catch {
    return undefined;
  }
}

export function counterDelta(before: TcpCounters | undefined, after: TcpCounters | undefined): TcpCounters | undefined {
  if (before === undefined || after === undefined) return undefined;
  return {
    listenOverflows: after.listenOverflows - before.listenOverflows,
    synCookies: after.synCookies - before.synCookies,
    synRetrans: after.synRetrans - before.synRetrans,
  };
}
