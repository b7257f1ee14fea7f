/**
 * The child process that runs the suite, so that a factory which hangs or spins in a synchronous loop can be
 * killed without taking the harness with it. It reports every run before starting it (the watchdog's
 * heartbeat, and what it names if the run never returns), progress, and the result.
 */

import { loadFactory } from './factory-module.ts';
import { runSuite } from './run-suite.ts';
import { runChecks } from './checks/run-checks.ts';
import type { SuiteRequest, SuiteMessage } from './suite-messages.ts';
import { decodeSuiteToken } from './suite-token.ts';

function send(message: SuiteMessage): Promise<void> {
  // Resolved once the message is handed to the channel: a large result must not be cut off by disconnect.
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

process.once('message', (request: SuiteRequest) => {
  void (async () => {
    try {
      const factory = await loadFactory(request.factoryPath);
      if (request.task === 'checks') {
        await send({ type: 'progress', progress: { runs: 0, shrinking: false, elapsedMs: 0 } });
        await send({ type: 'checks', outcomes: await runChecks(factory.module) });
        process.disconnect?.();
        return;
      }
      const result = await runSuite({
        factory: factory.module,
        runs: request.runs,
        seed: request.seed,
        strategy: request.strategy,
        ...(request.timeBudgetMs ? { timeBudgetMs: request.timeBudgetMs } : {}),
        ...(request.shrinkBudgetMs !== undefined ? { shrinkBudgetMs: request.shrinkBudgetMs } : {}),
        ...(request.only ? { only: new RegExp(request.only) } : {}),
        ...(request.replay ? { replay: decodeSuiteToken(request.replay) } : {}),
        onRun: (scenario, schedule, seed) => void send({ type: 'run', scenario, schedule, seed }),
        onProgress: (progress) => void send({ type: 'progress', progress }),
      });
      await send({ type: 'result', result });
    } catch (err) {
      const error = err as { code?: string; message?: string };
      await send({ type: 'error', code: error.code ?? 'CNXNSPEC_ERR_SIM', message: error.message ?? String(err) });
    }
    process.disconnect?.();
  })();
});
