/**
 * Test fixture: a third-party factory module that records what boot asks of it and binds nothing. It accepts
 * secure = true, so boot's two-port path can be observed without TLS.
 */
import type { HostRuntime, SocketAddress } from '../../../spec/runtime.ts';
import type { FactoryOptions, ServerCnxnFactory } from '../../../spec/server-cnxn-factory.ts';

export interface RecordedCall {
  readonly factory: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** Every call made on every factory this module created, in order. */
export const calls: RecordedCall[] = [];
let created = 0;

export function createFactory(runtime: HostRuntime, options: FactoryOptions): ServerCnxnFactory {
  const id = created++;
  calls.push({ factory: id, method: 'createFactory', args: [runtime.kind, options] });
  const record = (method: string, ...args: unknown[]) => calls.push({ factory: id, method, args });
  let address: SocketAddress | undefined;
  return {
    name: 'RecordingFactory',
    async configure(addr, maxClientCnxns, backlog, secure) {
      record('configure', addr, maxClientCnxns, backlog, secure);
      address = addr;
    },
    async start() { record('start'); },
    async startup() { record('startup'); },
    async stop() { record('stop'); },
    async join() { record('join'); },
    async shutdown() { record('shutdown'); },
    localAddress: () => address,
    connections: () => [],
    async closeSession() { return false; },
  };
}
