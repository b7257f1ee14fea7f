/**
 * The factories every check must pass, for the checks' own tests: the reference NIO and Netty-style factories and
 * the two written from the spec alone (fixtures/factories/). A check that flags one of them has a false failure.
 */
import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { createFactory as createNio } from '../../../reference/nio/nio-server-cnxn-factory.ts';
import netty from '../../../reference/netty/netty-server-cnxn-factory.ts';
import * as independentNio from '../../../fixtures/factories/independent-nio/index.ts';
import * as independentLoops from '../../../fixtures/factories/independent-loops/index.ts';

export const CORRECT_FACTORIES: readonly (readonly [string, FactoryModule])[] = [
  ['reference NIO', { createFactory: createNio }],
  ['reference Netty-style', netty],
  ['independent NIO', independentNio],
  ['independent event-loop', independentLoops],
];
