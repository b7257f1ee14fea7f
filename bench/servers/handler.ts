/**
 * The server behind the connection layer in the node servers: the ZooKeeper server of reference/zk/ (ZkServer, built
 * on the same runtime as the factory) when it exists and answers a handshake and a ping, else the EchoHandler. What
 * is measured is the connection layer, so the handler only has to speak Apache ZooKeeper's wire for ConnectRequest and
 * ping. The EchoHandler is kept from remembering closed connections (it lists them for tests, which would grow by
 * 16,000 entries per storm and show up as memory); ZkServer is told of closes as usual, since it drops state then.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { HostRuntime } from '../../spec/runtime.ts';
import type { RequestHandler, ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { EchoHandler } from '../../reference/server/echo-handler.ts';
import { decodeConnectResponse, decodeReply, pingFrame, XID_PING } from '../../reference/server/frames.ts';
import { CONNECT_FRAME } from '../load/wire.ts';

export interface ChosenHandler {
  readonly name: string;
  /** Why this one: shown in the report. */
  readonly note: string;
  readonly handler: RequestHandler;
}

const ZK_SERVER = fileURLToPath(new URL('../../reference/zk/zk-server.ts', import.meta.url));

/** A handler that forgets closed connections; everything else goes to `inner`. */
function forgetful(inner: RequestHandler): RequestHandler {
  const attach = (inner as { attachFactory?: (factory: unknown) => void }).attachFactory;
  return {
    processConnectRequest: (cnxn, payload) => inner.processConnectRequest(cnxn, payload),
    processPacket: (cnxn, payload) => inner.processPacket(cnxn, payload),
    connectionClosed: (cnxn: ServerConnection, reason: DisconnectReason) => {
      if (!(inner instanceof EchoHandler)) inner.connectionClosed(cnxn, reason);
    },
    ...(inner.fourLetterWord ? { fourLetterWord: (cnxn: ServerConnection, word: string) => inner.fourLetterWord!(cnxn, word) } : {}),
    // ZkServer lists a factory's connections in stat and cons once it is attached.
    ...(typeof attach === 'function' ? { attachFactory: (factory: unknown) => attach.call(inner, factory) } : {}),
  } as RequestHandler;
}

function isHandler(value: unknown): value is RequestHandler {
  const v = value as Partial<RequestHandler> | null;
  return typeof v === 'object' && v !== null && typeof v.processConnectRequest === 'function' && typeof v.processPacket === 'function';
}

/**
 * Whatever reference/zk/zk-server.ts exports that builds a RequestHandler: a class or function taking
 * (runtime, options) like ZkServer, or taking nothing. ZkServer is preferred when it is there.
 */
function candidates(mod: Record<string, unknown>, runtime: HostRuntime): RequestHandler[] {
  const found: RequestHandler[] = [];
  const options = { fourLetterWordWhitelist: '*', epochMs: Date.now() };
  const exports = [mod.ZkServer, mod.default, ...Object.values(mod)].filter((v, i, all) => v !== undefined && all.indexOf(v) === i);
  for (const value of exports) {
    if (isHandler(value)) found.push(value);
    if (typeof value !== 'function') continue;
    const ctor = value as new (...args: unknown[]) => unknown;
    const call = value as (...args: unknown[]) => unknown;
    for (const build of [() => new ctor(runtime, options), () => new ctor(), () => call(runtime, options), () => call()]) {
      try {
        const made = build();
        if (isHandler(made)) {
          found.push(made);
          break;
        }
      } catch {
        // Not this shape: try the next one, then the next export.
      }
    }
  }
  return found;
}

/** A fake connection that keeps what the handler sends. */
function probeConnection(sent: Uint8Array[]): ServerConnection {
  let sid = 0n;
  let timeout = 0;
  return {
    id: 'probe',
    remoteAddress: { host: '127.0.0.1', port: 1 },
    sessionId: () => sid,
    sessionTimeout: () => timeout,
    setSession: (id, t) => {
      sid = id;
      timeout = t;
    },
    send: async (frame) => void sent.push(frame),
    sendCloseAfterFlush: async () => undefined,
    close: async () => undefined,
    disableRecv: async () => undefined,
    enableRecv: async () => undefined,
  };
}

/** Does `handler` answer a ConnectRequest with a session and a ping with xid -2, within a second? */
async function works(handler: RequestHandler): Promise<string | undefined> {
  const sent: Uint8Array[] = [];
  const cnxn = probeConnection(sent);
  const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, no) => setTimeout(() => no(new Error('no answer within 1 s')), 1000).unref())]);
  try {
    await within(handler.processConnectRequest(cnxn, CONNECT_FRAME.subarray(4)));
    const response = sent[0] && decodeConnectResponse(sent[0].subarray(4));
    if (!response || response.timeOut <= 0) return 'no ConnectResponse with a session';
    await within(handler.processPacket(cnxn, pingFrame().subarray(4)));
    const reply = sent[1] && decodeReply(sent[1].subarray(4));
    if (!reply || reply.header.xid !== XID_PING) return 'no ping reply with xid -2';
    return undefined;
  } catch (err) {
    return (err as Error).message ?? String(err);
  }
}

/** Stops a handler's own threads (ZkServer's session tracker), if it has any. */
async function dispose(handler: RequestHandler): Promise<void> {
  const shutdown = (handler as { shutdown?: () => Promise<void> }).shutdown;
  if (typeof shutdown === 'function') await shutdown.call(handler);
}

/** The handler to serve on `runtime`: reference/zk's server if it works, else the EchoHandler. */
export async function chooseHandler(runtime: HostRuntime): Promise<ChosenHandler> {
  const echo = { name: 'EchoHandler', handler: forgetful(new EchoHandler()) };
  if (!existsSync(ZK_SERVER)) return { ...echo, note: 'reference/zk/zk-server.ts does not exist yet' };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(ZK_SERVER).href)) as Record<string, unknown>;
  } catch (err) {
    return { ...echo, note: `reference/zk/zk-server.ts failed to load (${(err as Error).message})` };
  }
  const tried: string[] = [];
  for (const [i, probe] of candidates(mod, runtime).entries()) {
    const problem = await works(probe);
    await dispose(probe).catch(() => undefined);
    if (problem === undefined) {
      // A fresh instance serves, so the probe's session stays out of the measurements.
      const fresh = candidates(mod, runtime)[i] as RequestHandler;
      return { name: `reference/zk ${fresh.constructor.name}`, note: 'reference/zk/zk-server.ts answered a handshake and a ping', handler: forgetful(fresh) };
    }
    tried.push(problem);
  }
  const why = tried.length > 0 ? `its handler failed the probe: ${tried.join('; ')}` : 'it exports no RequestHandler this script can build';
  return { ...echo, note: `reference/zk/zk-server.ts exists but ${why}` };
}
