import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Files in a pricing directory that are not tables: the JSON Schema and the hash lock. */
function isTableFile(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.schema.json') && name !== 'lock.json';
}

/** Every table file below `dir`, as paths relative to it with "/" separators, sorted. */
export function listTableFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && isTableFile(entry.name)) found.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}
