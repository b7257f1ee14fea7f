/**
 * A request handler that works for a while: before each connect request and packet it spends the scenario's
 * handler cost on runtime.clock.sleep, on the thread that called it, as a handler doing real work would. Any
 * handler can be wrapped (the echo handler here; a ZooKeeper handler alike); 0 ms returns the handler itself.
 */

import type { HostRuntime } from '../../spec/runtime.ts';
import type { RequestHandler } from '../../spec/server-cnxn-factory.ts';

export function costedHandler(handler: RequestHandler, runtime: HostRuntime, ms: number): RequestHandler {
  if (ms <= 0) return handler;
  const costed: RequestHandler = {
    async processConnectRequest(cnxn, payload) {
      await runtime.clock.sleep(ms);
      await handler.processConnectRequest(cnxn, payload);
    },
    async processPacket(cnxn, payload) {
      await runtime.clock.sleep(ms);
      await handler.processPacket(cnxn, payload);
    },
    connectionClosed: (cnxn, reason) => handler.connectionClosed(cnxn, reason),
  };
  const word = handler.fourLetterWord?.bind(handler);
  return word ? { ...costed, fourLetterWord: word } : costed;
}
