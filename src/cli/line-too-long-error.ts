import { CliError } from './cli-error.js';

/**
 * A batch line longer than --max-line-bytes: the whole batch stops (exit 2) before anything is
 * printed, because a runaway line (a file with no newlines, a binary file) would otherwise be
 * held in memory whole. Names the line and the limit so the fix is obvious.
 */
export class LineTooLongError extends CliError {
  override name = 'LineTooLongError';
  /** 1-based number of the line that is too long. */
  readonly line: number;
  /** The limit it broke, in bytes of UTF-8 (the line ending not counted). */
  readonly maxLineBytes: number;

  constructor(where: string, line: number, maxLineBytes: number) {
    super('line_too_long', `${where}: line ${line} is longer than --max-line-bytes ${maxLineBytes} (bytes of UTF-8); raise --max-line-bytes if the line is meant to be that long`);
    this.line = line;
    this.maxLineBytes = maxLineBytes;
  }
}
