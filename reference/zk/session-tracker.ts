/**
 * SessionTracker: the live sessions, their ids and deadlines, and the logical thread that expires them.
 *
 *     handshake, every request --create()/touch()--> [sessions] <--due ones-- SessionTracker thread --onExpire-->
 *                                                                              server (ephemerals, watches, close)
 *
 * Deadlines are rounded up to the next multiple of tickTime, as ZooKeeper's expiry buckets are, so a session is
 * never expired before `last touch + timeout` and at most one tick after it. The thread sleeps on the runtime
 * clock for at most one tick at a time while sessions exist (a session created meanwhile with a shorter timeout
 * is then late by less than a tick), and blocks on a wake-up queue while there are none, so an idle server has
 * no timer running. Sessions outlive their connections: a client may come back with id and password until the
 * deadline passes.
 *
 * A session found due is first checked with `lastHeard`: if its connection read a frame after the last touch (a
 * request still parked behind a slow reader's output), the deadline moves to that frame's time + timeout, as if
 * the frame had been processed then; only a session with nothing heard is expired.
 *
 * Session ids follow ZooKeeper's layout: server id (1, standalone) in the top byte, then the start time in ms
 * shifted left by 24 bits, then a counter, so ids from two runs of a server differ.
 *
 * Implements: zk.session-expiry, zk.session-lifecycle (ids, touch).
 */
import { InterruptedError } from '../../spec/errors.ts';
import type { BlockingQueue, HostRuntime } from '../../spec/runtime.ts';
import { BackgroundThread } from './background-thread.ts';

export const SESSION_TRACKER_THREAD = 'SessionTracker';

export interface Session {
  readonly id: bigint;
  /** The negotiated timeout of the session's latest connection. */
  timeout: number;
  /** Runtime-clock ms at which it expires unless touched. */
  deadline: number;
  /** Runtime-clock ms of the last touch. */
  touchedAt: number;
}

export type ExpireHandler = (session: Session) => Promise<void>;
/** Runtime-clock ms when the session's connection last read a frame, if known. */
export type LastHeard = (session: Session) => number | undefined;

const STANDALONE_SERVER_ID = 1n;

/** ZooKeeper's first session id for a server: (serverId << 56) | ((startMs << 24) >>> 8). */
export function firstSessionId(startMs: number, serverId = STANDALONE_SERVER_ID): bigint {
  const time = BigInt.asUintN(64, BigInt(Math.max(0, Math.floor(startMs))) << 24n) >> 8n;
  return BigInt.asIntN(64, (serverId << 56n) | time);
}

export class SessionTracker {
  private readonly sessions = new Map<bigint, Session>();
  private nextId: bigint;
  private readonly wake: BlockingQueue<true>;
  private idle = false;
  private readonly background: BackgroundThread;

  constructor(
    private readonly runtime: HostRuntime,
    private readonly tickTime: number,
    firstId: bigint,
    private readonly onExpire: ExpireHandler,
    private readonly lastHeard: LastHeard = () => undefined,
  ) {
    this.nextId = firstId;
    this.wake = runtime.newQueue<true>(`wake@${SESSION_TRACKER_THREAD}`, 1);
    this.background = new BackgroundThread(runtime, SESSION_TRACKER_THREAD, () => this.run());
  }

  /** A deadline `timeout` after `from` (now by default), rounded up to the next tick boundary. */
  deadlineFor(timeout: number, from = this.runtime.clock.now()): number {
    const t = from + timeout;
    return (Math.floor(t / this.tickTime) + 1) * this.tickTime;
  }

  create(timeout: number): Session {
    const session: Session = { id: this.nextId, timeout, deadline: this.deadlineFor(timeout), touchedAt: this.runtime.clock.now() };
    this.nextId += 1n;
    this.sessions.set(session.id, session);
    if (this.idle) {
      this.idle = false;
      this.wake.offer(true).catch((err: unknown) => this.runtime.log.log('warn', `${SESSION_TRACKER_THREAD}: wake-up failed: ${String(err)}`));
    }
    return session;
  }

  get(id: bigint): Session | undefined {
    return this.sessions.get(id);
  }

  /**
   * Postpones the deadline (and adopts `timeout` if given); false when the session is gone. `now` lets a caller
   * that has just read the clock pass it on: on this machine a clock read costs about 85 ns, several per request.
   */
  touch(id: bigint, timeout?: number, now: number = this.runtime.clock.now()): boolean {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    if (timeout !== undefined) session.timeout = timeout;
    session.deadline = Math.max(session.deadline, this.deadlineFor(session.timeout, now));
    session.touchedAt = now;
    return true;
  }

  /** Forgets a session (closeSession); true if it was live. */
  remove(id: bigint): boolean {
    return this.sessions.delete(id);
  }

  count(): number {
    return this.sessions.size;
  }

  ids(): bigint[] {
    return [...this.sessions.keys()];
  }

  /** Starts the expiry thread once. */
  start(): void {
    this.background.start();
  }

  /** Ends the thread; sessions are left as they are (the server is going away). */
  async shutdown(): Promise<void> {
    await this.background.stop();
  }

  private async run(): Promise<void> {
    const { clock, log } = this.runtime;
    while (this.background.running) {
      try {
        if (this.sessions.size === 0) {
          this.idle = true;
          await this.wake.take();
          continue;
        }
        const now = clock.now();
        const due = [...this.sessions.values()].filter((s) => s.deadline <= now);
        if (due.length === 0) {
          const next = Math.min(...[...this.sessions.values()].map((s) => s.deadline));
          await clock.sleep(Math.min(next - now, this.tickTime));
          continue;
        }
        for (const session of due) {
          // Touched or closed while an earlier one of this batch was being expired.
          if (this.sessions.get(session.id) !== session || session.deadline > clock.now()) continue;
          if (this.heardSinceTouch(session)) continue;
          this.sessions.delete(session.id);
          await this.expire(session);
        }
      } catch (err) {
        if (err instanceof InterruptedError) break;
        log.log('warn', `${SESSION_TRACKER_THREAD}: ignoring an exception: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** A frame read after the last touch renews the session from that frame's time; true if that saved it. */
  private heardSinceTouch(session: Session): boolean {
    const heard = this.lastHeard(session);
    if (heard === undefined || heard <= session.touchedAt) return false;
    session.touchedAt = heard;
    session.deadline = this.deadlineFor(session.timeout, heard);
    return session.deadline > this.runtime.clock.now();
  }

  private async expire(session: Session): Promise<void> {
    this.runtime.log.log('info', `Expiring session 0x${session.id.toString(16)}, timeout of ${session.timeout}ms exceeded`);
    try {
      await this.onExpire(session);
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      this.runtime.log.log('warn', `expiring session 0x${session.id.toString(16)} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
