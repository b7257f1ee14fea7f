/**
 * A loaded factory on the node runtime, on 127.0.0.1, for wire checks: the same module the simulation judged,
 * now on real sockets with real time, serving the reference echo handler. Everything it opens is released by
 * `dispose`, whatever the factory left behind.
 */

import type { SocketAddress } from '../../../spec/runtime.ts';
import type { FactoryModule, FactoryOptions, ServerCnxnFactory } from '../../../spec/server-cnxn-factory.ts';
import { createNodeRuntime, type NodeHostRuntime } from '../../../reference/runtime/node/index.ts';
import { EchoHandler } from '../../../reference/server/echo-handler.ts';

export interface NodeHost {
  readonly runtime: NodeHostRuntime;
  readonly factory: ServerCnxnFactory;
  /** Runs a factory method as the logical thread `main`, as boot would. */
  main<T>(body: (factory: ServerCnxnFactory) => Promise<T>): Promise<T>;
  /** configure on 127.0.0.1 (port 0 unless given), then the address the factory reports (NIO binds here). */
  configure(maxClientCnxns: number, port?: number): Promise<SocketAddress | undefined>;
  /** startup with the echo handler, then the bound address (a Netty-style factory binds only now). */
  startup(): Promise<SocketAddress>;
  dispose(): Promise<void>;
}

/** Log lines go nowhere: a wire check judges sockets, and the factory's warnings would only be noise. */
const quiet = { log: () => undefined };

export async function hostOnNode(module: FactoryModule, options: FactoryOptions): Promise<NodeHost> {
  const runtime = createNodeRuntime({ logger: quiet });
  let factory: ServerCnxnFactory;
  try {
    factory = await runtime.runAs('main', async () => module.createFactory(runtime, { cores: 2, ...options }));
  } catch (err) {
    await runtime.dispose();
    throw err;
  }
  const main = <T>(body: (f: ServerCnxnFactory) => Promise<T>) => runtime.runAs('main', () => body(factory));
  let disposed = false;
  return {
    runtime,
    factory,
    main,
    async configure(maxClientCnxns, port = 0) {
      return main(async (f) => {
        await f.configure({ host: '127.0.0.1', port }, maxClientCnxns, 50, false);
        return f.localAddress();
      });
    },
    startup: () =>
      main(async (f) => {
        await f.startup(new EchoHandler());
        const address = f.localAddress();
        if (!address || address.port === 0) throw new Error('the factory reports no bound address after startup');
        return address;
      }),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await Promise.race([main((f) => f.shutdown()), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      } finally {
        await runtime.dispose();
      }
    },
  };
}
