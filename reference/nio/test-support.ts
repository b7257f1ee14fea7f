/**
 * Helpers shared by the NIO factory's tests: a configured and started factory with the echo server behind it,
 * client frames over a TestPeer, and trace filters. Test-only; nothing in the factory imports it.
 */
import type { HostRuntime, SocketAddress } from '../../spec/runtime.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import type { RuntimeHarness, TestPeer } from '../../conformance/suites/runtime-harness.ts';
import { EchoHandler, type EchoHandlerOptions } from '../server/echo-handler.ts';
import {
  decodeConnectResponse,
  decodeReply,
  encodeConnectRequest,
  encodeRequest,
  frame,
  type ConnectResponse,
  type ReplyHeader,
} from '../server/frames.ts';
import { NIOServerCnxnFactory } from './nio-server-cnxn-factory.ts';
import type { NioFactoryOptions } from './nio-settings.ts';

/** Runs `body` as `main` through the harness and hands back its result. */
export async function inMain<T>(h: RuntimeHarness, body: () => Promise<T>): Promise<T> {
  let out: T | undefined;
  await h.run(async () => {
    out = await body();
  });
  return out as T;
}

export const LOOPBACK: SocketAddress = { host: '127.0.0.1', port: 0 };

export interface Served {
  readonly factory: NIOServerCnxnFactory;
  readonly handler: EchoHandler;
  readonly address: SocketAddress;
}

/** Configures a factory on 127.0.0.1:0 and starts it with an echo server. */
export async function serveEcho(
  runtime: HostRuntime,
  options: NioFactoryOptions = {},
  maxClientCnxns = 0,
  handlerOptions: EchoHandlerOptions = {},
): Promise<Served> {
  const factory = new NIOServerCnxnFactory(runtime, { cores: 2, ...options });
  await factory.configure(LOOPBACK, maxClientCnxns, -1, false);
  const handler = new EchoHandler(handlerOptions);
  await factory.startup(handler);
  const address = factory.localAddress();
  if (address === undefined) throw new Error('factory reports no local address after configure');
  return { factory, handler, address };
}

/** A ConnectRequest frame; `readOnly: null` leaves the optional trailing byte out. */
export function connectRequestFrame(timeOut = 30_000, sessionId = 0n, passwd = new Uint8Array(16), readOnly: boolean | null = false): Uint8Array {
  return frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut, sessionId, passwd, ...(readOnly === null ? {} : { readOnly }) }));
}

export function requestFrame(xid: number, type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return frame(encodeRequest({ xid, type }, body));
}

/** Reads one frame's payload, or null if the server closed first. */
export async function readFrame(peer: TestPeer): Promise<Uint8Array | null> {
  const head = await peer.receive(4);
  if (head.length < 4) return null;
  const len = new DataView(head.buffer, head.byteOffset, 4).getInt32(0, false);
  const payload = await peer.receive(len);
  return payload.length < len ? null : payload;
}

export async function handshake(peer: TestPeer, timeOut = 30_000): Promise<ConnectResponse> {
  await peer.send(connectRequestFrame(timeOut));
  const payload = await readFrame(peer);
  if (payload === null) throw new Error('server closed before its ConnectResponse');
  return decodeConnectResponse(payload);
}

export async function readReply(peer: TestPeer): Promise<{ header: ReplyHeader; body: Uint8Array }> {
  const payload = await readFrame(peer);
  if (payload === null) throw new Error('server closed before the reply');
  return decodeReply(payload);
}

type Ev<K extends TraceEvent['ev']> = Extract<TraceEvent, { ev: K }>;

export function eventsOf<K extends TraceEvent['ev']>(trace: readonly TraceEvent[], ev: K): Ev<K>[] {
  return trace.filter((e): e is Ev<K> => e.ev === ev);
}
