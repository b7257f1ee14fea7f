import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CnxnspecError, ERROR_CODES, InterruptedError, RuntimeIOError } from './errors.ts';
import { isCloseReason, isDisconnectReason } from './disconnect-reasons.ts';

test('spec: typed errors carry stable codes and say what failed', () => {
  const io = new RuntimeIOError('EMFILE', 'too many open files');
  assert.equal(io.code, 'CNXNSPEC_ERR_IO');
  assert.equal(io.errno, 'EMFILE');
  assert.match(io.message, /^EMFILE: /);
  const interrupted = new InterruptedError('ConnnectionExpirer');
  assert.ok(interrupted instanceof CnxnspecError);
  assert.equal(interrupted.code, 'CNXNSPEC_ERR_INTERRUPTED');
  assert.match(interrupted.message, /ConnnectionExpirer/);
  for (const code of Object.keys(ERROR_CODES)) assert.match(code, /^CNXNSPEC_ERR_[A-Z_]+$/);
});

test('spec: close reasons are a closed set', () => {
  assert.ok(isDisconnectReason('connection_expired'));
  assert.ok(isCloseReason('refused_per_ip_limit'));
  assert.equal(isCloseReason('because I felt like it'), false);
});
