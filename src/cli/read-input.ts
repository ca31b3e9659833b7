// node:fs's `promises`, read when a file is: loading node:fs/promises at start-up also loads
// Node's readline and streams, which a quote from flags never uses.
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { CliError } from './cli-error.js';

/** Where a command reads "-" from; main passes process.stdin. */
export type Stdin = AsyncIterable<Buffer | string>;

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code ?? (error as Error).message;
}

/** Reads a whole file, or stdin for "-"; an unreadable one is an exit-2 error naming the flag. */
export async function readInputText(path: string, flag: string, stdin: Stdin): Promise<string> {
  if (path === '-') {
    let text = '';
    for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    return text;
  }
  try {
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    throw new CliError('unreadable_input', `${flag} ${path}: cannot read (${reason(error)})`, { cause: error });
  }
}

/**
 * A file to read as a stream, or `stdin` for "-": opened (and checked not to be a directory)
 * before anything is read, so an unreadable one is an exit-2 error `${label}: cannot read (...)`.
 */
export async function openInputStream<S>(path: string, label: string, stdin: S): Promise<S | Readable> {
  if (path === '-') return stdin;
  let handle;
  try {
    handle = await fs.open(path, 'r');
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    await handle?.close();
    throw new CliError('unreadable_input', `${label}: cannot read (${reason(error)})`, { cause: error });
  }
  return handle.createReadStream();
}

export async function readInputBytes(path: string, flag: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw new CliError('unreadable_input', `${flag} ${path}: cannot read (${reason(error)})`, { cause: error });
  }
}

/** Parses a request body: it must be one JSON object. */
export function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError('malformed_input', `${where}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('malformed_input', `${where}: the request must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

export { reason as fileErrorReason };
