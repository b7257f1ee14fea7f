/**
 * Shared by this folder's tests: a schema validator, a listening socket on 127.0.0.1:0, real clients, and
 * bounded polling (a fixed number of event-loop turns, never a wall-clock sleep).
 */

import net from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { OP_ACCEPT, type SocketChannel } from '../../../spec/runtime.ts';
import { traceEventSchema } from '../../../spec/trace/schema.ts';
import type { TraceEvent } from '../../../spec/trace/events.ts';
import { createNodeRuntime, type NodeHostRuntime, type NodeRuntimeOptions } from './node-runtime.ts';
import type { ServerSocketChannel } from '../../../spec/runtime.ts';

export const TIMEOUT = { timeout: 20_000 };

export const validateEvent = new Ajv2020({ allErrors: true }).compile(traceEventSchema);

export function schemaErrors(events: readonly TraceEvent[]): string[] {
  return events.filter((e) => !validateEvent(e)).map((e) => `${JSON.stringify(e)}: ${JSON.stringify(validateEvent.errors)}`);
}

export function eventsOf<E extends TraceEvent['ev']>(events: readonly TraceEvent[], ev: E) {
  return events.filter((e): e is Extract<TraceEvent, { ev: E }> => e.ev === ev);
}

/** A traced runtime disposed after the test. */
export function tracedRuntime(t: { after(fn: () => unknown): void }, options: NodeRuntimeOptions = {}): NodeHostRuntime {
  const rt = createNodeRuntime({ trace: true, ...options });
  t.after(() => rt.dispose());
  return rt;
}

export async function listen(rt: NodeHostRuntime, backlog = 50): Promise<{ server: ServerSocketChannel; port: number }> {
  const server = await rt.openServerSocket();
  await server.bind({ host: '127.0.0.1', port: 0 }, backlog);
  return { server, port: server.localAddress()!.port };
}

/** A client connected to 127.0.0.1:port, destroyed after the test. */
export async function client(t: { after(fn: () => unknown): void }, port: number, paused = false): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  socket.on('error', () => {});
  if (paused) socket.pause();
  t.after(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Accepts one connection through a selector, as a factory's accept thread would. */
export async function acceptOne(rt: NodeHostRuntime, server: ServerSocketChannel): Promise<SocketChannel> {
  const selector = await rt.openSelector();
  await server.register(selector, OP_ACCEPT);
  try {
    for (;;) {
      await selector.select();
      const channel = await server.accept();
      if (channel) return channel;
    }
  } finally {
    await selector.close();
  }
}

/** Polls `condition` once per event-loop turn, up to `turns` times. */
export async function until(condition: () => boolean, what: string, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what} after ${turns} event-loop turns`);
}

export function pattern(length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}
