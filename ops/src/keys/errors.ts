/** The command line itself is wrong: the CLI prints its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command is well-formed but refused or failed: the CLI prints the message and exits 1. */
export class CliError extends Error {
  override name = 'CliError';
}
