/**
 * Helpers shared by the Netty-style factory's tests: a configured and started factory with the echo server behind
 * it, and trace readers for loop affinity. Test-only; nothing in the factory imports it.
 */
import type { HostRuntime, SocketAddress } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { EchoHandler } from '../server/echo-handler.ts';
import { LOOPBACK } from '../nio/test-support.ts';
import { NettyServerCnxnFactory } from './netty-server-cnxn-factory.ts';
import type { NettyFactoryOptions } from './netty-settings.ts';

export interface NettyServed {
  readonly factory: NettyServerCnxnFactory;
  readonly handler: EchoHandler;
  readonly address: SocketAddress;
}

/** Configures a Netty-style factory on 127.0.0.1:0 and starts it with an echo server. */
export async function serveNettyEcho(
  runtime: HostRuntime,
  options: NettyFactoryOptions = {},
  maxClientCnxns = 0,
  secure = false,
  handler: EchoHandler = new EchoHandler(),
): Promise<NettyServed> {
  const factory = new NettyServerCnxnFactory(runtime, { cores: 2, eventLoopThreads: 2, ...options });
  await factory.configure(LOOPBACK, maxClientCnxns, -1, secure);
  await factory.startup(handler);
  const address = factory.localAddress();
  if (address === undefined || address.port === 0) throw new Error('factory reports no bound address after start');
  return { factory, handler, address };
}

/** Socket operations on client channels (ch<n>) and their keys, with the thread that did each. */
export function channelOps(trace: readonly TraceEvent[]): { ch: string; ev: string; thread: string; seq: number }[] {
  const keyChannel = new Map<string, string>();
  const out: { ch: string; ev: string; thread: string; seq: number }[] = [];
  for (const e of trace) {
    if (e.ev === 'register') keyChannel.set(e.key, e.ch);
    let ch: string | undefined;
    if (e.ev === 'register' || e.ev === 'read' || e.ev === 'write' || e.ev === 'close') ch = e.ch;
    else if (e.ev === 'interestOps' || e.ev === 'cancel') ch = keyChannel.get(e.key) ?? e.ch;
    if (ch !== undefined && ch.startsWith('ch')) out.push({ ch, ev: e.ev, thread: e.thread, seq: e.seq });
  }
  return out;
}

/** Channel -> the set of threads that operated on it. */
export function threadsPerChannel(trace: readonly TraceEvent[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const op of channelOps(trace)) {
    const set = map.get(op.ch) ?? new Set<string>();
    set.add(op.thread);
    map.set(op.ch, set);
  }
  return map;
}
