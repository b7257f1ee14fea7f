/**
 * The leveled logger factories use. Each call is traced as a `log` event (when tracing) and handed to a sink:
 * the `logger` option as given, or by default stderr (with level and thread) for warn and error, and for debug
 * and info only when `verbose`. Stderr, because stdout belongs to the programs (reports, benchmarks) that embed
 * the runtime. CNXNSPEC_LOG=quiet silences the default sink (npm test sets it: the warnings tests provoke on
 * purpose are not news).
 */

import type { Logger, LogLevel } from '../../../spec/runtime.ts';
import type { RuntimeContext } from './runtime-context.ts';

export function defaultSink(verbose: boolean, thread: () => string): Logger {
  const quiet = process.env.CNXNSPEC_LOG === 'quiet';
  return {
    log(level, message) {
      if (quiet) return;
      if (verbose || level === 'warn' || level === 'error') console.error(`${level.toUpperCase()} [${thread()}] ${message}`);
    },
  };
}

export class NodeLogger implements Logger {
  constructor(
    private readonly rt: RuntimeContext,
    private readonly sink: Logger,
  ) {}

  log(level: LogLevel, message: string): void {
    const rt = this.rt;
    if (rt.tracing) rt.emit({ ev: 'log', level, msg: message || '(empty message)' });
    this.sink.log(level, message);
  }
}
