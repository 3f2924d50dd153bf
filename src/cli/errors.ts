/** Exit statuses of the `mirrorwatch` command. */
export const EXIT_OK = 0;
/** The command ran and failed (unreadable input, output error, analysis failure). */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong (unknown command or option, bad value). */
export const EXIT_USAGE = 2;

/** An error reported to the user as one line, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A command-line mistake; the message is followed by a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command whose help to point at, when known. */
    readonly command?: string,
  ) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}
