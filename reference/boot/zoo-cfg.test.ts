import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseZooCfg } from './zoo-cfg.ts';

const T = { timeout: 10_000 };

test('[boot.client-port] unit: zoo.cfg parsing keeps key=value pairs and skips comments and blank lines', T, () => {
  const cfg = parseZooCfg('# a comment\n\n! another\ntickTime = 2000\nclientPort=2181\r\nclientPortAddress=127.0.0.1\n');
  assert.deepEqual([...cfg.entries], [
    ['tickTime', '2000'],
    ['clientPort', '2181'],
    ['clientPortAddress', '127.0.0.1'],
  ]);
  assert.equal(cfg.lines.get('clientPort'), 5);
});

test('[boot.client-port] unit: a zoo.cfg line without "=" is an error that names the line', T, () => {
  assert.throws(() => parseZooCfg('tickTime=2000\nclientPort 2181\n', 'my.cfg'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CNXNSPEC_ERR_CONFIG');
    assert.match(err.message, /my\.cfg line 2/);
    return true;
  });
  assert.throws(() => parseZooCfg('=5'), /line 1/);
});
