import { runtimeContractSuite } from './runtime-contract.ts';
import { nodeHarness } from './node-harness.ts';

runtimeContractSuite('node', nodeHarness);
