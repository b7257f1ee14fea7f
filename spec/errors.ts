/**
 * Typed errors with stable codes, documented in one place. Every message says what was wrong and what to do
 * next; `code` is what programs match on.
 */

export const ERROR_CODES = {
  CNXNSPEC_ERR_CONFIG: 'A configuration value is missing, malformed or out of range.',
  CNXNSPEC_ERR_FACTORY_LOAD: "A factory could not be loaded or instantiated (`Couldn't instantiate <name>`).",
  CNXNSPEC_ERR_UNSUPPORTED: 'The factory does not support what was asked (e.g. secure = true on NIO).',
  CNXNSPEC_ERR_LIFECYCLE: 'A factory method was called in a state that does not allow it.',
  CNXNSPEC_ERR_THREAD_STATE: 'A logical thread was started twice, or used after it ended.',
  CNXNSPEC_ERR_INTERRUPTED: 'A blocking runtime call was interrupted (stop, shutdown).',
  CNXNSPEC_ERR_IO: 'A socket operation failed (EMFILE, ECONNRESET, closed channel...).',
  CNXNSPEC_ERR_CLOSED_SELECTOR: 'A selector was used after it was closed.',
  CNXNSPEC_ERR_CANCELLED_KEY: 'A cancelled selection key was used.',
  CNXNSPEC_ERR_TRACE: 'A trace line is not valid JSON or does not match the trace schema.',
  CNXNSPEC_ERR_FRAME: 'A frame on the wire is malformed (bad length prefix, truncated record).',
  CNXNSPEC_ERR_SIM: 'The simulation met something outside the host runtime contract, a deadlock or its bounds.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CnxnspecError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CnxnspecError';
    this.code = code;
  }
}

/** Thrown by a blocking runtime call when its thread is interrupted. */
export class InterruptedError extends CnxnspecError {
  constructor(thread: string) {
    super('CNXNSPEC_ERR_INTERRUPTED', `thread ${thread} was interrupted while blocked`);
    this.name = 'InterruptedError';
  }
}

/** A socket-level failure; `errno` mirrors the system's name for it (EMFILE, ECONNRESET, EPIPE...). */
export class RuntimeIOError extends CnxnspecError {
  readonly errno: string;
  constructor(errno: string, message: string, options?: { cause?: unknown }) {
    super('CNXNSPEC_ERR_IO', `${errno}: ${message}`, options);
    this.name = 'RuntimeIOError';
    this.errno = errno;
  }
}
