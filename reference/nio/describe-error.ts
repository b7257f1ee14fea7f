/** An error as one log-friendly line: `Name: message`, or the value as a string. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
