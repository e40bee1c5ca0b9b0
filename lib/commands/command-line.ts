/** The arguments are wrong: the command prints the problem and its usage, and exits 2. */
export class UsageError extends Error {}

/** The command could not do its job; its message is the one line the user reads (what failed and how to fix it). */
export class CommandFailed extends Error {}

const isParseArgsError = (error: unknown): boolean => String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');

/**
 * Runs the body of a command-line entry point: bad arguments print the problem and the usage (exit
 * 2); any failure prints one line naming it (exit 1), with the stack only when DEBUG is set. The
 * body returns its exit code, 0 when it has none.
 */
export async function runCommand(usage: string, body: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(`error: ${(error as Error).message}\n${usage}`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message.split('\n')[0]}`);
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  }
}
