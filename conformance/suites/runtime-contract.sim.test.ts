import { runtimeContractSuite } from './runtime-contract.ts';
import { simHarness } from '../sim/harness.ts';

runtimeContractSuite('sim', simHarness);
