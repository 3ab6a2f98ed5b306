/**
 * A mistake on the command line (an unknown option, a missing argument, a value out of range): the CLI prints its
 * message with the command's usage and exits 2. The message says what to type, not which function was called.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
