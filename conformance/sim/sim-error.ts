/** The simulation's own failures: something outside the host runtime contract, a misuse, or a bound. */

import { CnxnspecError, InterruptedError } from '../../spec/errors.ts';

export function simError(message: string, cause?: unknown): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_SIM', message, cause === undefined ? undefined : { cause });
}

/**
 * The error an interrupted blocking call throws, made without a stack: its frames would be the scheduler's own,
 * which say nothing about the factory, and capturing them cost about 20 microseconds each, three times in a
 * typical run (every shutdown interrupts the threads it joins). Its class, code and message are as ever.
 */
export function interruptedError(thread: string): InterruptedError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new InterruptedError(thread);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
