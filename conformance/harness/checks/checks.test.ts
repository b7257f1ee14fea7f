import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostRuntime } from '../../../spec/runtime.ts';
import type { FactoryModule } from '../../../spec/server-cnxn-factory.ts';
import { createFactory as reference } from '../../../reference/nio/nio-server-cnxn-factory.ts';
import { lifecycleChecks } from './lifecycle-checks.ts';
import { shuffleCheck, shuffleSamples, shuffleZ } from './shuffle-check.ts';
import { wireLifecycleChecks } from './wire-lifecycle-checks.ts';
import { wireProbeCheck } from './wire-probe-check.ts';

const T = { timeout: 60_000 };
const referenceModule: FactoryModule = { createFactory: reference };

/** The reference on a runtime whose shuffle is replaced, so only the order of ready keys changes. */
function withShuffle(shuffle: <X>(items: X[]) => X[]): FactoryModule {
  return {
    createFactory: (rt, options) =>
      reference(new Proxy(rt, { get: (target, prop, receiver) => (prop === 'shuffle' ? shuffle : Reflect.get(target, prop, receiver)) }) as HostRuntime, options),
  };
}

const failed = (outcome: Awaited<ReturnType<typeof shuffleCheck.run>>, id: string) => outcome.findings.some((f) => f.requirements.includes(id));

test('[selector.shuffle] harness: the reference handles ready keys in a seeded random order', T, async () => {
  const outcome = await shuffleCheck.run(referenceModule);
  assert.deepEqual(outcome.findings, []);
  assert.deepEqual(outcome.judged, ['selector.shuffle']);
});

test('harness: a factory that never shuffles ready keys fails selector.shuffle', T, async () => {
  assert.ok(failed(await shuffleCheck.run(withShuffle((items) => items)), 'selector.shuffle'));
});

test('harness: a factory that always reverses ready keys fails selector.shuffle', T, async () => {
  assert.ok(failed(await shuffleCheck.run(withShuffle((items) => items.reverse())), 'selector.shuffle'));
});

test('harness: a factory that shuffles with Math.random is caught by the replay comparison', T, async () => {
  const outcome = await shuffleCheck.run(
    withShuffle((items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    }),
  );
  assert.ok(failed(outcome, 'selector.shuffle'));
  assert.match(outcome.findings[0]!.message, /same seed/);
});

test('harness: the shuffle statistic is near 0 for a uniform order and far from it for a fixed one', () => {
  const uniform = Array.from({ length: 300 }, (_, i) => ({ keys: 3, position: i % 3 }));
  const fixed = Array.from({ length: 300 }, () => ({ keys: 3, position: 0 }));
  const reversed = Array.from({ length: 300 }, () => ({ keys: 3, position: 2 }));
  assert.ok(Math.abs(shuffleZ(uniform)) < 1);
  assert.ok(shuffleZ(fixed) < -10);
  assert.ok(shuffleZ(reversed) > 10);
  assert.deepEqual(shuffleSamples([]), []);
});

test('[nio.thread-counts] harness: the reference starts exactly the threads its options ask for', T, async () => {
  const outcome = await lifecycleChecks.run(referenceModule);
  assert.deepEqual(outcome.findings, []);
});

test('harness: a factory that starts one worker more than asked fails nio.thread-counts', T, async () => {
  const extra: FactoryModule = { createFactory: (rt, options) => reference(rt, { ...options, numWorkerThreads: (options.numWorkerThreads ?? 4) + 1 }) };
  const outcome = await lifecycleChecks.run(extra);
  assert.ok(outcome.findings.some((f) => f.requirements.includes('nio.thread-counts')), JSON.stringify(outcome.findings));
});

test('[configure.secure-needs-tls] harness: an NIO factory that accepts secure = true is caught', T, async () => {
  const accepting: FactoryModule = {
    createFactory: (rt, options) => {
      const inner = reference(rt, options);
      return new Proxy(inner, { get: (target, prop, receiver) => (prop === 'configure' ? (a: never, m: number, b: number) => target.configure(a, m, b, false) : Reflect.get(target, prop, receiver)) });
    },
  };
  const outcome = await lifecycleChecks.run(accepting);
  assert.ok(outcome.findings.some((f) => f.requirements.includes('configure.secure-needs-tls')));
  assert.ok(!outcome.findings.some((f) => f.requirements.includes('nio.thread-counts')));
});

test('[factory.lifecycle-start-once] harness: a factory whose start spawns a fresh set of threads each time is caught', T, async () => {
  const restarting: FactoryModule = {
    createFactory: (rt, options) => {
      const first = reference(rt, options);
      let starts = 0;
      return new Proxy(first, {
        get: (target, prop, receiver) =>
          prop === 'start'
            ? async () => {
                starts += 1;
                if (starts === 1) return target.start();
                // A second start that builds and starts another factory's threads on an ephemeral port.
                const other = reference(rt, options);
                await other.configure({ host: '127.0.0.1', port: 0 }, 10, 50, false);
                await other.start();
              }
            : Reflect.get(target, prop, receiver),
      });
    },
  };
  const outcome = await lifecycleChecks.run(restarting);
  assert.ok(outcome.findings.some((f) => f.requirements.includes('factory.lifecycle-start-once')), JSON.stringify(outcome.findings));
});

test('[configure.port-zero] wire: the reference reports its ephemeral port from configure on, binds in configure and frees the port on shutdown', T, async () => {
  const outcome = await wireLifecycleChecks.run(referenceModule);
  assert.deepEqual(outcome.findings, []);
  assert.deepEqual([...outcome.judged].sort(), ['configure.bind', 'configure.port-zero', 'factory.lifecycle-stop']);
});

test('[wire.connection-storm] wire: the probe judges the loaded reference on real sockets and finds nothing', T, async () => {
  const outcome = await wireProbeCheck.run(referenceModule);
  assert.deepEqual(outcome.findings, []);
  for (const id of ['wire.handshake', 'wire.ping', 'wire.order', 'wire.bad-frame', 'wire.slow-reader', 'wire.connection-storm', 'accept.per-ip-limit', 'expiry.sessionless']) {
    assert.ok(outcome.judged.includes(id), `${id} not judged: ${JSON.stringify(outcome.notJudged)}`);
  }
});

test('wire: a factory that ignores maxClientCnxns and the sessionless timeout is caught on real sockets', T, async () => {
  const careless: FactoryModule = {
    createFactory: (rt, options) => {
      const inner = reference(rt, { ...options, sessionlessCnxnTimeout: 60_000 });
      return new Proxy(inner, { get: (target, prop, receiver) => (prop === 'configure' ? (a: never, _m: number, b: number, s: boolean) => target.configure(a, 0, b, s) : Reflect.get(target, prop, receiver)) });
    },
  };
  const outcome = await wireProbeCheck.run(careless);
  const failed = new Set(outcome.findings.flatMap((f) => f.requirements));
  assert.ok(failed.has('accept.per-ip-limit') && failed.has('expiry.sessionless'), JSON.stringify(outcome.findings));
  assert.ok(!failed.has('wire.handshake'));
});

test('wire: a factory that cannot start on real sockets is reported as not judged there, never as passed', T, async () => {
  const broken: FactoryModule = {
    createFactory: () => {
      throw new Error('no sockets for me');
    },
  };
  const outcome = await wireLifecycleChecks.run(broken);
  assert.deepEqual(outcome.judged, []);
  assert.match(outcome.notJudged?.[0]?.reason ?? '', /no sockets for me/);
});
