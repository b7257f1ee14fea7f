/**
 * Why a connection may close, from what the trace shows rather than from the reason the factory wrote. Each
 * client close gets the causes visible before it, each with the reasons that cause allows:
 * - the peer ended the stream: a read of -1 (EOF or reset) or the peer's own close;
 * - a failed length check: the server read past a length prefix that is negative or above jute.maxbuffer in the
 *   bytes the peer sent (only where the peer's bytes are in the trace; a four-letter word is such a length too);
 * - expiry: the connection stayed idle past its observed deadline (IdleClock), or longer than its timeout (an
 *   idle check without buckets; expiry-on-time judges the buckets of the NIO design);
 * - a refusal of a channel that never became a connection (per-IP or total limit, failed handoff or registration),
 *   or was refused before its first read (an event-loop factory checks the limits when the channel becomes active);
 * - a queue that refused an offer for it (its handoff, its interest restore, its IO work);
 * - the handler: close or closeAfterFlush with that reason, or a handler call that threw; the server's closeSession
 *   with that reason, for the connection the handler saw holding the session (never another one);
 * - stop, from the stop point on (observed.ts).
 * Limits: a write failure is visible only as the peer's close or reset that causes it, a cancelled key only
 * as a cancel event, and a failed registration not at all (the channel never registers); so each is accepted on
 * that evidence.
 */

import type { TraceEvent } from '../trace/events.ts';
import { peerUnits, stopPoint, type ObservedConfig } from './observed.ts';
import { perTrace } from './per-trace.ts';
import { indexTrace, isClientChannel } from './trace-index.ts';

export interface Cause {
  readonly what: string;
  readonly seq: number;
  readonly reasons: readonly string[];
}

export interface ExplainedClose {
  readonly close: Extract<TraceEvent, { ev: 'close' }>;
  readonly causes: readonly Cause[];
  /** For a registered connection: its observed idle deadline at the close, and the event that set it. */
  readonly idle?: { readonly deadline: number; readonly since: number; readonly sinceSeq: number; readonly timeout: number };
}

const PEER_ENDED = ['unable_to_read_from_client', 'io_exception', 'client_closed_connection', 'channel disconnected', 'channel_closed_exception', 'cancelled_key_exception'];
const STOPPED = ['server_shutdown', 'close_all_connections_forced', 'not_registered_at_stop', 'clean_up', 'connection_mode_changed', 'cancelled_key_exception', 'handoff_failed', 'register_failed'];
const REFUSED_OFFER = ['handoff_failed', 'connection_mode_changed', 'clean_up'];
/** channel_closed_exception: an event-loop factory closes from its pipeline's exception path, as ZooKeeper's Netty factory does. */
const THREW = ['clean_up', 'io_exception', 'unknown', 'channel_closed_exception'];

/** The first multiple of `interval` strictly after `time` (expiry.buckets). */
export function bucketAfter(time: number, interval: number): number {
  return (Math.floor(time / interval) + 1) * interval;
}

interface Idle {
  /** Latest event at which the spec requires a touch (a lower bound of the factory's last touch). */
  low: number;
  lowSeq: number;
  /** Latest event at which a correct factory may have touched (an upper bound). */
  up: number;
  upSeq: number;
  timeout: number;
  /**
   * The first deadline the connection was seen to pass while idle, and the event that showed it: from then on an
   * expirer may have decided to close it, and may carry out that decision after later activity.
   */
  overdue?: { readonly deadline: number; readonly seq: number };
  /** The same for a deadline without buckets (last activity plus timeout), which an event loop's idle check keeps. */
  pastTimeout?: { readonly deadline: number; readonly seq: number };
}

/** A readiness report not yet handled by the thread that selected it. */
interface Pending {
  readonly ch: string;
  readonly key: string;
  readonly t: number;
  readonly seq: number;
}

/**
 * The idle deadline of each registered connection, from what the runtime and the harness saw. The spec requires
 * a touch at registration, at a readiness report, after an IO pass and when the timeout changes (expiry.touch).
 * - A readiness report is touched when the selecting thread handles it, which may be much later than the select
 *   returned: the thread handles ready keys one by one, and may run a long IO pass for one before the next. So a
 *   report counts only once that thread is seen handling it (its first use of the key or channel, or its next
 *   select, by which time every report of the last one has been handled), and then from the select's time.
 * - A pass can take a long time (a slow handler inside it): what it reads only counts once the pass has ended
 *   (its ioEnd), as the touch comes then. A trace without IO pass facts counts a read or write of more than 0
 *   bytes at once, the latest a touch after its pass could be.
 * - An expirer decides, then closes: once a connection is seen idle past a deadline, an expiry close of it is
 *   explained even after later activity, since the decision may have come first (a pass that ends while the
 *   expirer is closing the connection, as in ZooKeeper, whose expirer closes what it polled without a recheck).
 * A `session` fact sets the timeout only in a trace without harness observations; otherwise setSession does.
 */
export class IdleClock {
  readonly idle = new Map<string, Idle>();
  private readonly keyChannel: ReadonlyMap<string, string>;
  /** Whether the trace brackets IO passes with ioStart/ioEnd facts (facts-match-observation checks they do so truly). */
  private readonly passFacts: boolean;
  /** Readiness reports per selecting thread, not yet handled. */
  private readonly pending = new Map<string, Pending[]>();

  constructor(
    trace: readonly TraceEvent[],
    private readonly config: ObservedConfig,
  ) {
    this.keyChannel = indexTrace(trace).keyChannel;
    this.passFacts = trace.some((e) => e.ev === 'ioEnd');
  }

  /** Moves the lower end of `ch`'s idle window to `t` (at event `seq`), noting a deadline it had already passed. */
  private lower(entry: Idle, t: number, seq: number, now: number): void {
    if (t <= entry.low) return;
    const deadline = bucketAfter(entry.low + entry.timeout, this.config.expiryInterval);
    if (!entry.overdue && now >= deadline) entry.overdue = { deadline, seq };
    if (!entry.pastTimeout && now > entry.low + entry.timeout) entry.pastTimeout = { deadline: entry.low + entry.timeout, seq };
    entry.low = t;
    entry.lowSeq = seq;
  }

  /** Activity at `e` on `ch`: both ends of its idle window move (methods, not closures made per event: this runs on every event). */
  private both(ch: string, e: TraceEvent): void {
    const entry = this.idle.get(ch);
    if (!entry) return;
    this.lower(entry, e.t, e.seq, e.t);
    entry.up = e.t;
    entry.upSeq = e.seq;
  }

  /** A sign of life at `e` that may not count as activity: only the window's upper end moves. */
  private up(ch: string, e: TraceEvent): void {
    const entry = this.idle.get(ch);
    if (!entry) return;
    entry.up = e.t;
    entry.upSeq = e.seq;
  }

  /** The selecting thread's reports that `e` shows handled: those it names, or all of them at its next select. */
  private handle(e: TraceEvent): void {
    const mine = this.pending.get(e.thread);
    if (!mine) return;
    const all = e.ev === 'selectBegin' || e.ev === 'selectEnd' || e.ev === 'threadEnd';
    const key = 'key' in e ? e.key : undefined;
    const ch = 'ch' in e ? e.ch : undefined;
    const left: Pending[] = [];
    for (const p of mine) {
      if (!all && p.key !== key && p.ch !== ch) {
        left.push(p);
        continue;
      }
      const entry = this.idle.get(p.ch);
      if (!entry) continue;
      this.lower(entry, p.t, p.seq, e.t);
      entry.up = e.t;
      entry.upSeq = e.seq;
    }
    if (left.length > 0) this.pending.set(e.thread, left);
    else this.pending.delete(e.thread);
  }

  feed(e: TraceEvent): void {
    this.handle(e);
    switch (e.ev) {
      case 'register':
      case 'cnxnCreated':
        if (isClientChannel(e.ch) && !this.idle.has(e.ch)) {
          this.idle.set(e.ch, { low: e.t, lowSeq: e.seq, up: e.t, upSeq: e.seq, timeout: this.config.sessionlessTimeout });
        }
        break;
      case 'selectEnd': {
        const reports: Pending[] = [];
        for (const r of e.ready) {
          const ch = this.keyChannel.get(r.key);
          if (ch && this.idle.has(ch)) {
            reports.push({ ch, key: r.key, t: e.t, seq: e.seq });
            this.up(ch, e);
          }
        }
        if (reports.length > 0) this.pending.set(e.thread, reports);
        break;
      }
      case 'read':
      case 'write':
        if (e.n > 0 && !this.passFacts) this.both(e.ch, e);
        else this.up(e.ch, e);
        break;
      case 'ioEnd':
        this.both(e.ch, e);
        break;
      case 'handlerAct':
        if (e.act === 'setSession' && this.idle.has(e.ch)) {
          this.both(e.ch, e);
          if (e.n !== undefined) this.idle.get(e.ch)!.timeout = e.n;
        }
        break;
      case 'session':
        if (this.config.from === 'configured' && this.idle.has(e.ch)) {
          this.both(e.ch, e);
          this.idle.get(e.ch)!.timeout = e.timeout;
        } else this.up(e.ch, e);
        break;
      default:
        break;
    }
  }

  /** The earliest time a correct factory may expire `ch`: a deadline it was seen to pass, else its current one. */
  earliest(ch: string): number | undefined {
    const entry = this.idle.get(ch);
    return entry && (entry.overdue?.deadline ?? bucketAfter(entry.low + entry.timeout, this.config.expiryInterval));
  }

  /** The latest time by which a correct factory has expired `ch` (one interval after its latest deadline). */
  latest(ch: string): number | undefined {
    const entry = this.idle.get(ch);
    return entry && entry.up + entry.timeout + this.config.expiryInterval;
  }
}

/** Three invariants explain the closes of one trace: once per trace and configuration (per-trace.ts). */
const explained = perTrace(explain);

/** Every close of a client channel, with the causes visible before it. */
export function explainCloses(trace: readonly TraceEvent[], config: ObservedConfig): ExplainedClose[] {
  return explained(trace, config);
}

function explain(trace: readonly TraceEvent[], config: ObservedConfig): ExplainedClose[] {
  const stop = stopPoint(trace);
  const units = peerUnits(trace, config.juteMaxBuffer);
  const clock = new IdleClock(trace, config);
  const causes = new Map<string, Cause[]>();
  const add = (ch: string, cause: Cause) => (causes.get(ch) ?? causes.set(ch, []).get(ch)!).push(cause);
  const readBytes = new Map<string, number>();
  const registered = new Set<string>();
  /** Channels the factory has read from (an event-loop factory refuses a registered channel before its first read). */
  const readFrom = new Set<string>();
  const index = indexTrace(trace);
  const out: ExplainedClose[] = [];
  for (const e of trace) {
    clock.feed(e);
    switch (e.ev) {
      case 'read':
        readFrom.add(e.ch);
        if (e.n < 0) add(e.ch, { what: `a read of -1 (end of stream or reset)`, seq: e.seq, reasons: PEER_ENDED });
        else {
          const total = (readBytes.get(e.ch) ?? 0) + e.n;
          readBytes.set(e.ch, total);
          const bad = units.get(e.ch)?.find((u) => u.kind === 'badLength');
          if (bad && bad.kind === 'badLength' && total >= bad.end && total - e.n < bad.end) {
            add(e.ch, { what: `a read past the length prefix ${bad.length} the peer sent (outside 0..${config.juteMaxBuffer})`, seq: e.seq, reasons: ['io_exception'] });
          }
        }
        break;
      case 'peerClose':
        add(e.ch, { what: `the peer's ${e.how}`, seq: e.seq, reasons: PEER_ENDED });
        break;
      case 'register':
      case 'cnxnCreated':
        registered.add(e.ch);
        break;
      case 'offer':
        // A refused offer: a channel's handoff, its key's interest restore, or its IO work item.
        if (!e.ok) add(index.keyChannel.get(e.item) ?? e.item, { what: `the refused offer of ${e.item} to ${e.queue}`, seq: e.seq, reasons: REFUSED_OFFER });
        break;
      case 'poll':
        if (e.item !== null) add(e.item, { what: 'a poll from a queue (a registration may fail after it)', seq: e.seq, reasons: ['register_failed'] });
        break;
      case 'cancel':
        add(e.ch, { what: `the cancel of ${e.key}`, seq: e.seq, reasons: ['cancelled_key_exception'] });
        break;
      case 'selectorClose':
        for (const [key, sel] of index.keySelector) {
          const ch = index.keyChannel.get(key);
          if (sel === e.sel && ch) add(ch, { what: `the close of selector ${e.sel}`, seq: e.seq, reasons: ['cancelled_key_exception'] });
        }
        break;
      case 'handlerAct':
        if ((e.act === 'close' || e.act === 'closeAfterFlush' || e.act === 'closeSession') && e.reason) add(e.ch, { what: `the handler's ${e.act}(${e.reason})`, seq: e.seq, reasons: [e.reason] });
        break;
      case 'handlerReturn':
        if (e.threw !== undefined) add(e.ch, { what: `the handler's ${e.call} threw`, seq: e.seq, reasons: THREW });
        break;
      case 'close': {
        if (!isClientChannel(e.ch)) break;
        const mine = [...(causes.get(e.ch) ?? [])];
        if (!registered.has(e.ch) || !readFrom.has(e.ch)) {
          if (config.maxClientCnxns > 0) mine.push({ what: `the per-IP limit ${config.maxClientCnxns}`, seq: e.seq, reasons: ['refused_per_ip_limit'] });
          if (config.maxCnxns > 0) mine.push({ what: `the connection limit ${config.maxCnxns}`, seq: e.seq, reasons: ['refused_max_cnxns'] });
        }
        // A failed registration traces no register; a factory that hands channels over without a runtime queue
        // (an event loop's own task list) shows no poll before it either.
        if (!registered.has(e.ch)) mine.push({ what: `a channel never registered`, seq: e.seq, reasons: ['register_failed'] });
        if (stop && e.seq > stop.seq) mine.push({ what: `stop (event ${stop.seq})`, seq: stop.seq, reasons: STOPPED });
        const entry = clock.idle.get(e.ch);
        const earliest = clock.earliest(e.ch);
        if (entry && earliest !== undefined && e.t >= earliest) {
          const what = entry.overdue ? `idleness past its deadline t=${entry.overdue.deadline} (shown by event ${entry.overdue.seq})` : `idleness since t=${entry.low}`;
          mine.push({ what, seq: entry.overdue?.seq ?? entry.lowSeq, reasons: ['connection_expired'] });
        } else if (entry && (e.t > entry.low + entry.timeout || entry.pastTimeout)) {
          // Idle longer than its timeout is a cause whatever the expiry structure: an event-loop factory's idle
          // check has no buckets. Whether an NIO factory closed on its bucket is expiry-on-time's to judge.
          const what = entry.pastTimeout
            ? `idleness past its timeout at t=${entry.pastTimeout.deadline} (shown by event ${entry.pastTimeout.seq})`
            : `idleness longer than its timeout ${entry.timeout} ms since t=${entry.low}`;
          mine.push({ what, seq: entry.pastTimeout?.seq ?? entry.lowSeq, reasons: ['connection_expired'] });
        }
        out.push({
          close: e,
          causes: mine,
          ...(entry && earliest !== undefined ? { idle: { deadline: earliest, since: entry.low, sinceSeq: entry.lowSeq, timeout: entry.timeout } } : {}),
        });
        clock.idle.delete(e.ch);
        break;
      }
      default:
        break;
    }
  }
  return out;
}
