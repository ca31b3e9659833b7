/**
 * Pins newly added pricing tables in pricing/lock.json by the sha256 of their bytes.
 * It never re-pins a published table: a changed price is a new version file, and a changed
 * published file fails here and in the tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTableFiles } from '../src/tables/list-table-files.js';
import { sha256Hex } from '../src/tables/sha256.js';

const pricingDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'pricing');
const lockPath = join(pricingDir, 'lock.json');
const lock: Record<string, string> = JSON.parse(readFileSync(lockPath, 'utf8'));

let failed = false;
for (const file of listTableFiles(pricingDir)) {
  const hash = sha256Hex(readFileSync(join(pricingDir, file), 'utf8'));
  const pinned = lock[file];
  if (pinned === undefined) {
    lock[file] = hash;
    console.log(`pinned ${file} ${hash}`);
  } else if (pinned !== hash) {
    console.error(`${file} is published and has changed (pinned ${pinned}, now ${hash}): restore it and add a new version instead`);
    failed = true;
  }
}
const sorted = Object.fromEntries(Object.entries(lock).sort(([a], [b]) => a.localeCompare(b)));
if (!failed) writeFileSync(lockPath, `${JSON.stringify(sorted, null, 2)}\n`);
process.exit(failed ? 1 : 0);
