import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** Temp directories, worker processes and their output, for the file ledger's tests. Cleans up after each test. */
export const WORKER = fileURLToPath(new URL('./file-ledger-worker.ts', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const directories: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

export function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'fal-budget-ledger-'));
  directories.push(directory);
  return directory;
}

export function ledgerPath(): string {
  return join(tempDirectory(), 'ledger.jsonl');
}

/** Starts `command args`, killed after the test if still running; stdout piped. */
export function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

export function worker(...args: string[]): ChildProcess {
  return track(spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Everything the process printed, once it exits successfully. */
export function finished(child: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code ?? signal}: ${err}`))));
  });
}

/** Resolves once the process has printed a line matching `pattern`. */
export function printed(child: ChildProcess, pattern: RegExp): Promise<void> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code} before printing ${pattern}: ${out}`)));
  });
}

export function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Resolves once the process is stopped (SIGSTOP: state T in /proc/<pid>/stat); rejects if it exits first. */
export function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`process ${child.pid} exited before it stopped`));
        return;
      }
      let state: string | undefined;
      try {
        // The state is the field after the parenthesised command name.
        state = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[0];
      } catch {
        state = undefined;
      }
      if (state === 'T') resolve();
      else setTimeout(poll, 20);
    };
    poll();
  });
}
