import { CliError } from './cli-error.js';

/**
 * The output could not be written (ENOSPC, EIO, EBADF...): one line on stderr and exit 2, like any
 * other failure the caller can fix, never a stack trace. A reader that went away (EPIPE) is not
 * one: `| head` is a normal way to stop reading.
 */
export class OutputFailedError extends CliError {
  override name = 'OutputFailedError';
  /** The system error code, e.g. "ENOSPC". */
  readonly errno: string | undefined;

  constructor(stream: string, cause: unknown) {
    const error = cause as NodeJS.ErrnoException;
    const why = error?.code === undefined ? String(error?.message ?? error) : `${error.code}${describe(error)}`;
    super('output_failed', `cannot write to ${stream} (${why})`, { cause });
    this.errno = error?.code;
  }
}

/** ": no space left on device" from Node's "ENOSPC: no space left on device, write". */
function describe(error: NodeJS.ErrnoException): string {
  const match = /^[A-Z]+: ([^,]+)/.exec(error.message ?? '');
  return match ? `: ${match[1]}` : '';
}
