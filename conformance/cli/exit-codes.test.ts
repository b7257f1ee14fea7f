import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { CnxnspecError } from '../../spec/errors.ts';
import { EXIT, exitFor } from './exit-codes.ts';

test('cli: usage and load errors exit 2, the harness failing exits 3, help and version exit 0', () => {
  assert.deepEqual(exitFor(new CommanderError(1, 'commander.invalidArgument', 'bad')), { code: EXIT.usage, print: false });
  assert.deepEqual(exitFor(new CommanderError(0, 'commander.version', '0.1.0')), { code: EXIT.conformant, print: false });
  assert.equal(exitFor(new CnxnspecError('CNXNSPEC_ERR_CONFIG', 'x')).code, EXIT.usage);
  assert.equal(exitFor(new CnxnspecError('CNXNSPEC_ERR_FACTORY_LOAD', 'x')).code, EXIT.usage);
  assert.equal(exitFor(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })).code, EXIT.usage);
  assert.equal(exitFor(new CnxnspecError('CNXNSPEC_ERR_SIM', 'the suite process ended early')).code, EXIT.harness);
  assert.equal(exitFor(new TypeError('a bug')).code, EXIT.harness);
});
