import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FactoryModule, RequestHandler } from '../../../spec/server-cnxn-factory.ts';
import { createFactory as createNio } from '../../../reference/nio/nio-server-cnxn-factory.ts';
import netty from '../../../reference/netty/netty-server-cnxn-factory.ts';
import * as independentNio from '../../../fixtures/factories/independent-nio/index.ts';
import * as independentLoops from '../../../fixtures/factories/independent-loops/index.ts';
import { pipelinedHandshakeCheck } from './pipelined-handshake-check.ts';

const T = { timeout: 120_000 };

/**
 * Any factory, with its hold after a ConnectRequest let go at once: the factory under it sees an empty send on
 * the connection as the ConnectRequest arrives (a send the server never made, so no observation shows it), takes
 * that for the response and reads on while the real one is still being prepared.
 */
function releasingEarly(inner: FactoryModule): FactoryModule {
  return {
    createFactory(runtime, options) {
      const factory = inner.createFactory(runtime, options);
      const startup = factory.startup.bind(factory);
      factory.startup = (handler: RequestHandler) =>
        startup({
          processConnectRequest: async (cnxn, payload) => {
            await cnxn.send(new Uint8Array(0));
            await handler.processConnectRequest(cnxn, payload);
          },
          processPacket: (cnxn, payload) => handler.processPacket(cnxn, payload),
          connectionClosed: (cnxn, reason) => handler.connectionClosed(cnxn, reason),
        });
      return factory;
    },
  };
}

test('[cnxn.throttle] pipelined handshake check: the reference factories and both independent ones hold frames behind a ConnectRequest', T, async () => {
  for (const [name, module] of [['nio', { createFactory: createNio }], ['netty', netty], ['independent-nio', independentNio], ['independent-loops', independentLoops]] as const) {
    const outcome = await pipelinedHandshakeCheck.run(module);
    assert.deepEqual(outcome.findings.map((f) => f.message), [], name);
    assert.deepEqual(outcome.judged, ['cnxn.throttle']);
  }
});

test('[cnxn.throttle] pipelined handshake check: a factory that reads on before the ConnectResponse is queued is rejected', T, async () => {
  for (const module of [{ createFactory: createNio }, independentLoops]) {
    const outcome = await pipelinedHandshakeCheck.run(releasingEarly(module));
    assert.ok(outcome.findings.some((f) => f.requirements.includes('cnxn.throttle') && /before the response to its ConnectRequest/.test(f.message)), JSON.stringify(outcome.findings));
  }
});
