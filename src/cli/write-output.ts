import type { Writable } from 'node:stream';
import { OutputFailedError } from './output-failed-error.js';

export interface OutputWriter {
  /** Writes with back-pressure; rejects with an OutputFailedError once the stream has failed. */
  (text: string | Uint8Array): Promise<void>;
  /** Resolves when what was written has reached the stream's target; rejects if it failed on the way. */
  readonly flushed: () => Promise<void>;
}

/**
 * Writes with back-pressure, so a streamed batch never piles up in memory behind a slow reader.
 * A failure (thrown by a synchronous file write, or an 'error' event later) is kept and raised
 * from the next write or from `flushed()`, as an error main reports in one line; EPIPE (the
 * reader went away, `| head`) only stops the writing.
 */
export function outputWriter(stream: Writable, name: string): OutputWriter {
  let closed = false;
  let failure: OutputFailedError | undefined;
  const fail = (error: unknown) => {
    if ((error as NodeJS.ErrnoException)?.code === 'EPIPE') closed = true;
    else failure ??= new OutputFailedError(name, error);
  };
  stream.on('error', fail);
  const settled = () => {
    if (failure) throw failure;
  };
  const write = async (text: string | Uint8Array): Promise<void> => {
    settled();
    if (closed || text.length === 0) return;
    let ready: boolean;
    try {
      ready = stream.write(text);
    } catch (error) {
      fail(error);
      return settled();
    }
    if (!ready) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
        stream.on('error', done);
      });
    }
    settled();
  };
  const flushed = async (): Promise<void> => {
    settled();
    if (closed || stream.destroyed) return settled();
    // An empty write's callback runs after every earlier write has been handed to the system.
    await new Promise<void>((resolve) => {
      try {
        stream.write('', () => resolve());
      } catch (error) {
        fail(error);
        resolve();
      }
    });
    settled();
  };
  return Object.assign(write, { flushed });
}
