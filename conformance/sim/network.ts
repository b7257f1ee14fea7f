/**
 * The simulated network: listening ports with their backlogs, connections, and the peers that use them.
 *
 * - Ports: `bind` to port 0 takes the next free port from 32768 up (Linux's first ephemeral port); clients get
 *   ports from 49152 up. Listeners are found by port alone (the host a peer names is not checked).
 * - Backlog: at most `backlog` connections wait to be accepted; one more is refused. A backlog of 0 or less
 *   takes the platform default, 511 (node's, which the node runtime also gets), not the JDK's 50.
 * - Connections get their `ch<n>` at connect (peer events need it before accept), so ids count connects.
 * - Closing a listener resets the connections still waiting in its backlog.
 */

import { RuntimeIOError } from '../../spec/errors.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import type { PeerOptions, TestPeer } from '../suites/runtime-harness.ts';
import { Connection } from './connection.ts';
import type { SimContext } from './context.ts';
import {
  DEFAULT_BACKLOG,
  DEFAULT_PEER_IP,
  DEFAULT_RECEIVE_WINDOW,
  FIRST_CLIENT_PORT,
  FIRST_EPHEMERAL_PORT,
} from './net-defaults.ts';
import { immediate } from './ops.ts';
import { ScriptedPeer, type PeerScript, type SimPeer } from './peer.ts';
import { SimTestPeer } from './sim-test-peer.ts';


export class Listener {
  readonly pending: Connection[] = [];
  open = true;

  constructor(
    readonly ss: string,
    readonly address: SocketAddress,
    readonly backlog: number,
  ) {}
}

export class SimNetwork {
  private readonly listeners = new Map<number, Listener>();
  private readonly perIp = new Map<string, number>();
  private nextServerPort = FIRST_EPHEMERAL_PORT;
  private nextClientPort = FIRST_CLIENT_PORT;
  readonly connections: Connection[] = [];
  readonly peers: SimPeer[] = [];

  constructor(private readonly ctx: SimContext) {}

  /** Adds a scripted peer: an actor the scheduler interleaves with the threads. */
  peer(script: PeerScript): SimPeer {
    const peer = new ScriptedPeer(this.ctx, this.peerName(script.ip ?? DEFAULT_PEER_IP), this.ctx.sched.newOrder(), script);
    this.peers.push(peer);
    this.ctx.sched.add(peer);
    return peer;
  }

  /**
   * Connects a peer driven by the calling logical thread (the harness's TestPeer): a runtime call of that
   * thread, resolved once the connection waits in the listener's backlog.
   */
  connectPeer(address: SocketAddress, options: PeerOptions = {}): Promise<TestPeer> {
    const ip = options.ip ?? DEFAULT_PEER_IP;
    return this.ctx.sched.call(() =>
      immediate(`connect to port ${address.port}`, () => {
        const name = this.peerName(ip);
        const conn = this.connect(name, ip, address.port, options.receiveWindow ?? DEFAULT_RECEIVE_WINDOW);
        if (typeof conn === 'string') throw new RuntimeIOError('ECONNREFUSED', `${name} cannot connect to port ${address.port}: ${conn}`);
        return new SimTestPeer(this.ctx, conn);
      }),
    );
  }

  /** `peer <ip>#<n>`, n counted per IP from 0. */
  peerName(ip: string): string {
    const n = this.perIp.get(ip) ?? 0;
    this.perIp.set(ip, n + 1);
    return `peer ${ip}#${n}`;
  }

  /** Listeners with connections waiting to be accepted. */
  backlogs(): { readonly ss: string; readonly pending: number }[] {
    return [...this.listeners.values()].filter((l) => l.pending.length > 0).map((l) => ({ ss: l.ss, pending: l.pending.length }));
  }

  listening(port: number): boolean {
    return this.listeners.get(port)?.open === true;
  }

  bind(ss: string, address: SocketAddress, backlog: number): Listener {
    let port = address.port;
    if (port === 0) {
      while (this.listeners.has(this.nextServerPort)) this.nextServerPort++;
      port = this.nextServerPort++;
    } else if (this.listeners.has(port)) {
      throw new RuntimeIOError('EADDRINUSE', `${ss} cannot bind port ${port}: address already in use`);
    }
    const listener = new Listener(ss, { host: address.host || '0.0.0.0', port }, backlog > 0 ? backlog : DEFAULT_BACKLOG);
    this.listeners.set(port, listener);
    return listener;
  }

  unbind(listener: Listener): void {
    listener.open = false;
    if (this.listeners.get(listener.address.port) === listener) this.listeners.delete(listener.address.port);
    for (const conn of listener.pending.splice(0)) conn.serverClose(true);
  }

  /** A connection waiting in the backlog, or why there is none. Emits peerConnect for the peer. */
  connect(peer: string, ip: string, port: number, receiveWindow: number): Connection | string {
    const listener = this.listeners.get(port);
    if (!listener?.open) return `nothing listens on port ${port}`;
    if (listener.pending.length >= listener.backlog) return `the backlog of ${listener.ss} is full (${listener.backlog})`;
    const remote = { host: ip, port: this.nextClientPort++ };
    const conn = new Connection(this.ctx.nextId('ch'), peer, remote, receiveWindow);
    listener.pending.push(conn);
    this.connections.push(conn);
    this.ctx.emit({ ev: 'peerConnect', peer, ip }, peer);
    return conn;
  }
}

/** `ip:port`, with IPv6 hosts bracketed, as the node runtime writes remote addresses. */
export function formatAddress(address: SocketAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
