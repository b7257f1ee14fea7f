/**
 * With maxClientCnxns > 0 (as the harness gave it), a connection from an address that already holds that many registered connections
 * is refused, and one is never refused while the address holds fewer. The slack is exactly ZooKeeper's accept
 * race: connections handed off but not yet registered may or may not be counted. The accept thread decides
 * somewhere between a channel's accept and its handoff or refusal, while other threads may open and close
 * connections, so each decision is judged against the counts over that whole window: a handoff is wrong only
 * if the registered count alone stayed at the limit throughout, and a refusal only if registered plus
 * in-flight stayed below it throughout. With maxClientCnxns 0 or negative there is no limit, and no refusal for it.
 *
 * An event-loop factory hands nothing through an acceptedQueue: it decides when the channel becomes active on its
 * loop, and a channel it admits shows as a connection created. So a channel still deciding when its connection is
 * created is judged there as a handoff is, and the finding names the event-loop twin requirement too (each profile
 * counts the one it judges). Channels of the address accepted but not yet decided count as in flight for a
 * refusal, as handed-off ones do: the loop they were handed to may count them already. A registered channel whose
 * key is cancelled is closing: an admission need not count it any more, a refusal may still have.
 */

import { violation, type Invariant, type Violation } from './invariant.ts';
import { indexTrace, queueKind } from './trace-index.ts';
import { observedConfig } from './observed.ts';

interface Window {
  readonly ip: string;
  /** Lowest registered count seen since accept. */
  floor: number;
  /** Highest registered + in-flight count seen since accept. */
  peak: number;
}

export const perIpLimit: Invariant = {
  name: 'per-ip-limit',
  kind: 'safety',
  requirements: ['accept.per-ip-limit', 'netty.per-ip-limit'],
  description: 'No handoff (or admission at channel-active) once an address holds maxClientCnxns registered connections; no refusal below the limit.',
  check(trace) {
    const index = indexTrace(trace);
    const config = observedConfig(trace);
    const max = config?.maxClientCnxns ?? 0;
    const caveat = config?.caveat ?? '';
    const out: Violation[] = [];
    // 0 or a negative value means no limit: then no refusal is for the per-address limit.
    if (max <= 0) {
      for (const e of trace) {
        if (e.ev === 'close' && e.reason === 'refused_per_ip_limit') out.push(violation(this, `${e.ch} was refused for the per-address limit, but maxClientCnxns is ${max}: no limit`, [e.seq]));
      }
      return out;
    }
    const registered = new Map<string, Set<string>>();
    const inFlight = new Map<string, Set<string>>();
    /** Registered channels whose key was cancelled: on their way out, and the factory may have stopped counting them. */
    const closing = new Map<string, Set<string>>();
    const deciding = new Map<string, Window>();
    const set = (m: Map<string, Set<string>>, ip: string) => m.get(ip) ?? m.set(ip, new Set()).get(ip)!;
    const observe = () => {
      const undecided = new Map<string, number>();
      for (const w of deciding.values()) undecided.set(w.ip, (undecided.get(w.ip) ?? 0) + 1);
      for (const w of deciding.values()) {
        const held = set(registered, w.ip).size;
        w.floor = Math.min(w.floor, held);
        // Other channels of the address accepted and not yet decided count as in flight: an event-loop factory
        // hands a channel to its loop with no queue in between, and may count it from there on.
        w.peak = Math.max(w.peak, held + set(closing, w.ip).size + set(inFlight, w.ip).size + (undecided.get(w.ip) ?? 1) - 1);
      }
    };
    for (const e of trace) {
      if (e.ev === 'accept' && e.ch) {
        const ip = index.channelIp.get(e.ch);
        if (ip !== undefined) deciding.set(e.ch, { ip, floor: Number.POSITIVE_INFINITY, peak: 0 });
        observe();
      } else if (e.ev === 'offer' && queueKind(e.queue) === 'acceptedQueue') {
        const w = deciding.get(e.item);
        deciding.delete(e.item);
        if (!w) continue;
        if (w.floor >= max) out.push(violation(this, `${e.item} from ${w.ip} was handed off while ${w.ip} held at least ${w.floor} registered connections from its accept on (max ${max}${caveat})`, [e.seq]));
        set(inFlight, w.ip).add(e.item);
        observe();
      } else if (e.ev === 'cnxnCreated') {
        const w = deciding.get(e.ch);
        deciding.delete(e.ch);
        if (w && w.floor >= max) out.push(violation(this, `${e.ch} from ${w.ip} was admitted while ${w.ip} held at least ${w.floor} registered connections from its accept on (max ${max}${caveat})`, [e.seq]));
        set(inFlight, e.ip).delete(e.ch);
        set(registered, e.ip).add(e.ch);
        observe();
      } else if (e.ev === 'cancel') {
        // Closing starts here as far as the trace can tell; ZooKeeper drops a connection from its per-address count
        // as its close begins, so from now on an admission may no longer see it (a refusal still may).
        const ip = index.channelIp.get(e.ch);
        if (ip !== undefined && set(registered, ip).delete(e.ch)) {
          set(closing, ip).add(e.ch);
          observe();
        }
      } else if (e.ev === 'close') {
        const w = deciding.get(e.ch);
        deciding.delete(e.ch);
        if (w && e.reason === 'refused_per_ip_limit' && w.peak < max) {
          out.push(violation(this, `${e.ch} from ${w.ip} was refused though ${w.ip} held at most ${w.peak} registered and in-flight connections from its accept on (max ${max}${caveat})`, [e.seq]));
        }
        const ip = index.channelIp.get(e.ch);
        if (ip !== undefined) {
          set(registered, ip).delete(e.ch);
          set(closing, ip).delete(e.ch);
          set(inFlight, ip).delete(e.ch);
        }
        // A close during another channel's decision window lowers the count that decision may have seen.
        observe();
      }
    }
    return out;
  },
};
