/**
 * With maxClientCnxns > 0, a connection from an address that already holds that many registered connections
 * is refused, and one is never refused while the address holds fewer. The slack is exactly ZooKeeper's accept
 * race: connections handed off but not yet registered may or may not be counted, so a handoff is wrong only
 * when the registered count alone reaches the limit, and a refusal only when registered plus in-flight are
 * still below it.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { indexTrace, queueKind } from './trace-index.ts';

export const perIpLimit: Invariant = {
  name: 'per-ip-limit',
  kind: 'safety',
  requirements: ['accept.per-ip-limit'],
  description: 'No handoff once an address holds maxClientCnxns registered connections; no refusal below the limit.',
  check(trace) {
    const index = indexTrace(trace);
    const max = index.configured?.maxClientCnxns ?? 0;
    if (max <= 0) return [];
    const out: Violation[] = [];
    const registered = new Map<string, Set<string>>();
    const inFlight = new Map<string, Set<string>>();
    const set = (m: Map<string, Set<string>>, ip: string) => m.get(ip) ?? m.set(ip, new Set()).get(ip)!;
    for (const e of trace) {
      if (e.ev === 'offer' && queueKind(e.queue) === 'acceptedQueue') {
        const ip = index.channelIp.get(e.item);
        if (ip === undefined) continue;
        const held = set(registered, ip).size;
        if (held >= max) out.push(violation(this, `${e.item} from ${ip} was handed off while ${ip} already held ${held} registered connections (max ${max})`, [e.seq]));
        set(inFlight, ip).add(e.item);
      } else if (e.ev === 'cnxnCreated') {
        set(inFlight, e.ip).delete(e.ch);
        set(registered, e.ip).add(e.ch);
      } else if (e.ev === 'close') {
        const ip = index.channelIp.get(e.ch);
        if (ip === undefined) continue;
        if (e.reason === 'refused_per_ip_limit') {
          const held = set(registered, ip).size;
          const pending = set(inFlight, ip).size;
          if (held + pending < max) out.push(violation(this, `${e.ch} from ${ip} was refused while ${ip} held ${held} registered and ${pending} in-flight connections (max ${max})`, [e.seq]));
        }
        set(registered, ip).delete(e.ch);
        set(inFlight, ip).delete(e.ch);
      }
    }
    return out;
  },
};
