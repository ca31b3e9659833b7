import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';

/**
 * The redis-server binary: $REDIS_SERVER when set (set it to a missing path to see what happens
 * without Redis), else the first on PATH (Debian: /usr/bin/redis-server), or undefined.
 */
function findRedisServer(): string | undefined {
  const candidates = process.env.REDIS_SERVER !== undefined
    ? [process.env.REDIS_SERVER]
    : (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/usr/sbin', '/usr/local/bin').map((dir) => join(dir, 'redis-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const BINARY = findRedisServer();
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * A describe() for tests that need a redis-server of their own. Without one: in CI the suite
 * fails (a missing Redis must never look like a pass); locally it is skipped, loudly.
 */
export function describeWithRedisServer(name: string, body: () => void): void {
  if (BINARY) {
    describe(name, body);
    return;
  }
  if (IN_CI) {
    describe(name, () => {
      it('needs redis-server (CI=true: a missing Redis fails the suite)', () => {
        throw new Error('redis-server is not installed; .ci/run installs it (apt-get install -y redis-server)');
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPED "${name}": redis-server is not installed. Install it (apt-get install redis-server) to run the Redis ledger tests.\n`);
  describe.skip(name, body);
}

/** A describe() for tests that need any Redis: REDIS_URL when set, else a redis-server of our own. */
export function describeWithRedis(name: string, body: () => void): void {
  if (process.env.REDIS_URL) describe(name, body);
  else describeWithRedisServer(name, body);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Sends PING over a raw socket; true once the server answers +PONG (not -LOADING). */
async function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/**
 * A redis-server on 127.0.0.1 with its own port and directory, persisting every write
 * (appendonly yes, appendfsync always), which a test can kill and start again on the same data.
 * `config` adds redis.conf directives as command-line options, e.g.
 * `['--maxmemory', '2mb', '--maxmemory-policy', 'volatile-lru']`.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(readonly port: number, readonly dir: string, private readonly config: readonly string[]) {}

  static async start(config: readonly string[] = []): Promise<RedisServer> {
    if (!BINARY) throw new Error('redis-server is not installed');
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'fal-budget-redis-')), config);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--appendfsync', 'always', '--save', '',
      '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning',
      ...this.config,
    ];
    const child = spawn(BINARY!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (chunk) => (this.output += chunk));
    child.stderr.on('data', (chunk) => (this.output += chunk));
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${this.output}`);
      if (await pong(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING:\n${this.output}`);
  }

  /** Stops the server: SIGKILL by default, the harshest way, so only what was fsynced survives. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** SIGSTOP: the server keeps its connections but answers nothing (a hung or overloaded Redis). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let sequence = 0;
/** A prefix no other test (or earlier run against a shared REDIS_URL) has used. */
export function uniquePrefix(label: string): string {
  sequence += 1;
  return `fal-budget-test:${label}:${process.pid}:${Date.now()}:${sequence}`;
}

/** REDIS_URL when set (shared; tests use unique prefixes), else a server of this test file's own. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const server = await RedisServer.start();
  return { url: server.url, stop: () => server.stop() };
}

export type StartedRedis = Awaited<ReturnType<typeof startRedis>>;

/**
 * Starts a redis-server (or uses REDIS_URL) for the enclosing describe block, with an ioredis
 * client on it, and stops both afterwards; `receive` gets them once they are up.
 */
export function useRedisServer(receive: (started: { redis: StartedRedis; client: Redis }) => void): void {
  let started: { redis: StartedRedis; client: Redis } | undefined;
  beforeAll(async () => {
    const redis = await startRedis();
    started = { redis, client: new Redis(redis.url) };
    receive(started);
  });
  afterAll(async () => {
    await started?.client.quit();
    await started?.redis.stop();
  });
}
