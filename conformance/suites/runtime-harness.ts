/**
 * What the runtime contract suite needs from a runtime under test: the runtime itself, a way to run a body as
 * the logical thread `main`, and client peers to talk to the factory's sockets. The node runtime implements
 * peers with real node:net sockets on 127.0.0.1; the simulation with scripted peers under its scheduler.
 */

import type { HostRuntime, SocketAddress } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';

export interface PeerOptions {
  /** Source IP the server sees (the simulation honours it; the node runtime always uses 127.0.0.1). */
  readonly ip?: string;
  /**
   * How many bytes the peer's side of the connection buffers before the server's writes become partial.
   * The simulation honours it exactly; the node runtime approximates it with socket buffer sizes.
   */
  readonly receiveWindow?: number;
}

/** A client connection driven by the test body. Every method may be a scheduling point in the simulation. */
export interface TestPeer {
  send(bytes: Uint8Array): Promise<void>;
  /** Resolves with exactly `n` bytes, or fewer if the server closed first. */
  receive(n: number): Promise<Uint8Array>;
  /** Resolves when the server has closed the connection (FIN or RST seen). */
  closed(): Promise<void>;
  halfClose(): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeHarness {
  readonly kind: 'node' | 'sim';
  readonly runtime: HostRuntime;
  /** Runs `body` as logical thread `main`, and with it every thread it starts, until `body` returns. */
  run(body: () => Promise<void>): Promise<void>;
  /** Connects a peer to a bound address; resolves once the server side has a pending connection. */
  connect(address: SocketAddress, options?: PeerOptions): Promise<TestPeer>;
  /** Every event recorded so far; still available after dispose. */
  trace(): readonly TraceEvent[];
  /** Releases sockets, timers and threads the harness holds. */
  dispose(): Promise<void>;
}

export type HarnessFactory = (options: { seed: number }) => Promise<RuntimeHarness>;
