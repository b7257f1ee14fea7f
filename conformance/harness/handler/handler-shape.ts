/**
 * How the conformance handler is built for one scenario (plain data, part of the scenario and its replay token).
 * ZooKeeper answers from a request pipeline on its own threads, so replies race the factory's IO passes, closes
 * and stop; `threads: 0` answers inside the IO pass instead, as the echo handler does.
 */
export interface HandlerShape {
  /** Request-processing threads; 0 answers synchronously inside the IO pass. */
  readonly threads: number;
  /** With threads: outstanding requests on one connection at which the handler calls disableRecv. */
  readonly throttleAt?: number;
  /**
   * Which thread calls disableRecv: the handler's own (the default), or the IO thread as the request arrives, as
   * ZooKeeper does (it counts a request outstanding and throttles on the thread that read it, and lifts the
   * throttle from the thread that answered). Inline, a factory must stop handing over frames it already read.
   */
  readonly throttleFrom?: 'io';
  /**
   * With throttleAt: virtual ms the handler's thread goes on working after the reply that brings a throttled
   * connection back under the limit, before it calls enableRecv. The factory has usually written that reply and
   * ended its IO pass by then, so the lift arrives on its own, with no pass or reply to carry it.
   */
  readonly liftAfterMs?: number;
  /**
   * With threads: virtual ms between setSession and the ConnectResponse. ZooKeeper sets the session on the
   * connection at once and answers once the session's creation has gone through its request pipeline.
   */
  readonly sessionWorkMs?: number;
}

export const INLINE_HANDLER: HandlerShape = { threads: 0 };
