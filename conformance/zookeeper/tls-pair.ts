/**
 * Apache ZooKeeper 3.8's NettyServerCnxnFactory and `cnxnspec serve` given the same TLS zoo.cfg lines (ZooKeeper's
 * own property names), each with a secure client port on loopback, for the TLS differential suite; and the two
 * probes that suite sends to both: a node:tls client that attempts a ZooKeeper session and a ping, and a
 * plaintext client on the secure port. Ports aside (free ports for ZooKeeper, 0 for serve, as `--port 0
 * --secure-port 0` would), both read identical lines.
 */
import net from 'node:net';
import tls from 'node:tls';
import { createNodeRuntime } from '../../reference/runtime/node/index.ts';
import { consoleLogger, serve } from '../../reference/boot/serve.ts';
import { parseZooCfg } from '../../reference/boot/zoo-cfg.ts';
import { connectRequestFrame } from '../../reference/nio/test-support.ts';
import { decodeConnectResponse, decodeReply, FrameSplitter, pingFrame, XID_PING } from '../../reference/server/frames.ts';
import { freePort, startApacheZooKeeper, type ApacheZooKeeper } from './apache-zookeeper.ts';

export interface TlsPair {
  /** The secure client ports. */
  readonly zookeeper: number;
  readonly reference: number;
  stop(): Promise<void>;
}

/** Waits until something accepts TCP connections on `port`: ZooKeeper binds its secure port after it serves the plain one. */
async function listening(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Apache ZooKeeper's secure client port ${port} did not open in time`);
}

/** Starts both servers with `lines` (the ssl.* and factory settings); stops whichever started if the other fails. */
export async function startTlsPair(zk: Extract<ApacheZooKeeper, { found: true }>, lines: readonly string[]): Promise<TlsPair> {
  const shared = ['serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory', 'secureClientPortAddress=127.0.0.1', ...lines];
  const securePort = await freePort();
  const real = await startApacheZooKeeper(zk, [...shared, `secureClientPort=${securePort}`, '4lw.commands.whitelist=ruok']);
  const runtime = createNodeRuntime({ logger: consoleLogger(false, () => undefined) });
  try {
    await listening(securePort, Date.now() + 15_000);
    const cfg = parseZooCfg(['tickTime=2000', 'clientPort=0', 'clientPortAddress=127.0.0.1', 'secureClientPort=0', ...shared].join('\n'), 'tls-differential.cfg');
    const running = await runtime.runAs('main', () => serve(runtime, { cfg, port: 0, securePort: 0, env: {} }));
    return {
      zookeeper: securePort,
      reference: running.secureClientAddress?.port ?? 0,
      stop: async () => {
        await running.shutdown();
        await runtime.dispose();
        await real.stop();
      },
    };
  } catch (err) {
    await runtime.dispose();
    await real.stop();
    throw err;
  }
}

/**
 * What a client saw: `tls` is the protocol negotiated, or 'failed' when the TLS handshake did not complete;
 * `outcome` is 'served' (a session, then the ping answered with xid -2), 'refused' (the connection ended with no
 * ZooKeeper reply), 'dropped' (a session, then the end before the ping reply), 'garbled' (bytes that are no ZooKeeper
 * reply) or 'silent' (nothing within the wait).
 */
export interface Attempt {
  readonly tls: string;
  readonly outcome: 'served' | 'refused' | 'dropped' | 'garbled' | 'silent';
}

/** A node:tls client on `port`: TLS handshake, ConnectRequest, ping; never rejects. */
export function attemptSession(port: number, options: tls.ConnectionOptions, waitMs = 8_000): Promise<Attempt> {
  return new Promise((resolve) => {
    let protocol = 'failed';
    let session = false;
    const splitter = new FrameSplitter();
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
    const finish = (outcome: Attempt['outcome']) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ tls: protocol, outcome });
    };
    const timer = setTimeout(() => finish('silent'), waitMs);
    socket.once('secureConnect', () => {
      protocol = socket.getProtocol() ?? 'unknown';
      socket.write(connectRequestFrame());
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const payload of splitter.push(chunk)) {
          if (!session) {
            session = decodeConnectResponse(payload).sessionId !== 0n;
            if (!session) return finish('refused');
            socket.write(pingFrame());
          } else if (decodeReply(payload).header.xid === XID_PING) {
            return finish('served');
          }
        }
      } catch {
        finish('garbled');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(session ? 'dropped' : 'refused'));
  });
}

/**
 * A plaintext client on the secure port: sends a ConnectRequest and reads until the server ends the connection.
 * 'refused' when it ended and nothing read is a ConnectResponse frame (36 or 37 bytes of payload); `bytes` counts
 * what came back (a TLS alert, say).
 */
export function plaintextAttempt(port: number, waitMs = 8_000): Promise<{ readonly outcome: 'served' | 'refused' | 'silent'; readonly bytes: number }> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(connectRequestFrame()));
    const finish = (outcome: 'served' | 'refused' | 'silent') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, bytes: got.length });
    };
    const timer = setTimeout(() => finish('silent'), waitMs);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4 && [36, 37].includes(got.readInt32BE(0))) finish('served');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish('refused'));
  });
}
