import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFactory, REFERENCE_FACTORY } from './factory-module.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/factories/${name}`, import.meta.url));
const TIMEOUT = { timeout: 30_000 };

test('[factory.select-error] harness: a module without createFactory is refused with Couldn\'t instantiate and what it exports', TIMEOUT, async () => {
  await assert.rejects(loadFactory(fixture('no-export.ts')), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'CNXNSPEC_ERR_FACTORY_LOAD');
    assert.match(e.message, /^Couldn't instantiate .*no-export\.ts: it has no createFactory function \(it exports notAFactory\)/);
    assert.match(e.message, /INTERPRETING\.md/);
    return true;
  });
});

test('[factory.select-error] harness: a module that throws while loading is refused with the cause', TIMEOUT, async () => {
  await assert.rejects(loadFactory(fixture('throws-on-import.ts')), (e: Error & { code?: string; cause?: unknown }) => {
    assert.match(e.message, /Couldn't instantiate .*: the module failed to load \(this module refuses to load\)/);
    assert.ok(e.cause instanceof Error);
    return true;
  });
  await assert.rejects(loadFactory('./no/such/factory.ts'), /Couldn't instantiate \.\/no\/such\/factory\.ts: the module failed to load/);
});

test('[factory.select-default] harness: with no module named, the reference NIO factory is the one under test', TIMEOUT, async () => {
  const loaded = await loadFactory();
  assert.equal(loaded.name, REFERENCE_FACTORY);
  assert.equal(typeof loaded.module.createFactory, 'function');
});
