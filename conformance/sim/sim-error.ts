/** The simulation's own failures: something outside the host runtime contract, a misuse, or a bound. */

import { CnxnspecError } from '../../spec/errors.ts';

export function simError(message: string, cause?: unknown): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_SIM', message, cause === undefined ? undefined : { cause });
}
