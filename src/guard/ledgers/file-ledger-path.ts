import { readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errorCode } from './file-ledger-io.js';

const MAX_LINKS = 40; // as Linux's ELOOP limit

/**
 * The one file a ledger path names: symlinks followed, also when the file does not exist yet (a
 * link to a file to be created, a directory reached through a link). Resolved once per ledger, so
 * a path and a link to it lock, read and write the same file, and compaction replaces the target,
 * never the link.
 */
export async function resolveLedgerPath(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops += 1) {
    try {
      return await realpath(current);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    // It does not exist: a dangling link (follow it by hand), or a file not created yet.
    let target: string;
    try {
      target = await readlink(current);
    } catch (error) {
      if (errorCode(error) !== 'EINVAL' && errorCode(error) !== 'ENOENT') throw error;
      return join(await realpath(dirname(current)), basename(current));
    }
    current = resolve(dirname(current), target);
  }
  throw Object.assign(new Error(`more than ${MAX_LINKS} symbolic links from ${path}`), { code: 'ELOOP' });
}
