import { createHash } from 'node:crypto';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import { importOptional } from '../../core/errors/missing-dependency-error.js';

/** One Redis command, as strings in and whatever the client decoded out. */
/**
 * Sends one command. `generation`, when given, is the connection the caller checked: if the
 * client reconnected since (a new server, perhaps), the command is refused unsent.
 */
export type SendCommand = (args: readonly string[], timeoutMs: number, generation?: number) => Promise<unknown>;

/** The part of an ioredis client the ledger uses. */
interface IoredisLike {
  status: string;
  isCluster?: boolean;
  options?: { host?: string; port?: number; path?: string | null; keyPrefix?: string };
  call(command: string, ...args: string[]): Promise<unknown>;
  connect(): Promise<void>;
  disconnect(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** The part of a node-redis (v4/v5) client the ledger uses. */
interface NodeRedisLike {
  isOpen: boolean;
  options?: { url?: string; socket?: { host?: string; port?: number; path?: string } };
  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown>;
}

export interface RedisConnection {
  readonly send: SendCommand;
  /** Where the ledger lives, without credentials, for error messages. */
  readonly location: string;
  /** What the client prepends to every declared key by itself (ioredis `keyPrefix`), else ''. */
  readonly keyPrefix: string;
  /**
   * Counts the connections made so far (each may reach another server, e.g. after a failover),
   * so the ledger checks each one's eviction policy. A client the app owns counts as one.
   */
  generation(): number;
  /** Resolves once the connection can take commands (a client the app owns: at once). */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

function isIoredis(client: unknown): client is IoredisLike {
  const candidate = client as Partial<IoredisLike> & { evalsha?: unknown };
  return typeof candidate?.call === 'function' && typeof candidate.evalsha === 'function' && typeof candidate.status === 'string';
}

function isNodeRedis(client: unknown): client is NodeRedisLike {
  const candidate = client as Partial<NodeRedisLike>;
  return typeof candidate?.sendCommand === 'function' && typeof candidate.isOpen === 'boolean';
}

function invalidClient(message: string): InvalidOptionError {
  return new InvalidOptionError('client', message);
}

/** A Redis URL with any user name and password removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

/**
 * Wraps a client the application owns: the ledger sends commands through it and never closes it.
 * Cluster clients are refused: the ledger has only been tested against a single Redis (or one
 * behind Sentinel), though its keys share one hash slot.
 */
export function wrapClient(client: unknown): RedisConnection {
  if (isIoredis(client)) {
    if (client.isCluster) throw invalidClient('Redis Cluster clients are not supported; pass a client for a single Redis');
    const options = client.options ?? {};
    return {
      send: (args) => client.call(args[0]!, ...args.slice(1)),
      location: options.path ? `unix:${options.path}` : `redis://${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`,
      keyPrefix: options.keyPrefix ?? '',
      generation: () => 0,
      close: async () => {},
    };
  }
  if (isNodeRedis(client)) {
    if ('masters' in (client as object)) throw invalidClient('Redis Cluster clients are not supported; pass a client for a single Redis');
    const options = client.options ?? {};
    const socket = options.socket ?? {};
    return {
      // node-redis drops a command that is still waiting to be written when its timeout passes.
      send: (args, timeoutMs) => client.sendCommand(args, { timeout: timeoutMs }),
      location: options.url ? redactUrl(options.url) : socket.path ? `unix:${socket.path}` : `redis://${socket.host ?? 'localhost'}:${socket.port ?? 6379}`,
      keyPrefix: '',
      generation: () => 0,
      close: async () => {},
    };
  }
  throw invalidClient('must be an ioredis instance or a node-redis client (from createClient)');
}

/**
 * Opens an ioredis client the ledger owns, configured to fail fast instead of queueing: no
 * offline queue (a command while disconnected is refused at once, not sent minutes later), no
 * resend of unanswered commands after a reconnect, and a per-command timeout.
 */
export async function connectUrl(url: string, timeoutMs: number): Promise<RedisConnection> {
  const { Redis } = await importOptional('ioredis', 'redisLedger({ url })', () => import('ioredis'));
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // Keep trying to come back, at most every second; calls in between fail closed.
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
  }) as unknown as IoredisLike;
  let lastError: unknown;
  const describe = (error: unknown) => (error === undefined ? undefined : error instanceof Error ? error.message : String(error));
  // Without a listener ioredis prints every connection error; the ledger reports them as causes.
  client.on('error', (error) => {
    lastError = error;
  });
  let connections = 0;
  client.on('ready', () => {
    connections += 1;
  });
  let readiness: Promise<void> | undefined;
  const whenReady = (): Promise<void> => {
    readiness ??= new Promise<void>((resolve, reject) => {
      const done = () => {
        client.removeListener('ready', onReady);
        client.removeListener('close', onClose);
        readiness = undefined;
      };
      const onReady = () => {
        done();
        resolve();
      };
      const onClose = () => {
        done();
        reject(new Error(`could not connect: ${describe(lastError) ?? 'the connection closed before Redis was ready'}`, { cause: lastError }));
      };
      client.once('ready', onReady);
      client.once('close', onClose);
    });
    return readiness;
  };
  const ready = async (): Promise<void> => {
    switch (client.status) {
      case 'ready':
        return;
      case 'wait': {
        const waiting = whenReady();
        client.connect().catch(() => {});
        return waiting;
      }
      case 'connecting':
      case 'connect':
        return whenReady();
      default:
        // 'reconnecting' (Redis was lost; a retry is scheduled), 'close', 'end'.
        throw new Error(`the connection is ${client.status}${lastError ? ` (last error: ${describe(lastError)})` : ''}`, { cause: lastError });
    }
  };
  return {
    send: async (args, _timeout, generation) => {
      await ready();
      // Checked against the connection the ledger verified: a command that waited out a
      // reconnect must not reach a server whose eviction policy nobody has read yet.
      if (generation !== undefined && connections !== generation) {
        throw new Error('the connection was replaced while the command waited; it was not sent');
      }
      return client.call(args[0]!, ...args.slice(1));
    },
    location: redactUrl(url),
    keyPrefix: '',
    generation: () => connections,
    ready,
    close: async () => {
      client.disconnect();
    },
  };
}

/**
 * The time left before `deadline` (a performance.now() time), in whole ms for a command's own
 * timeout. None left: nothing is sent. The caller has already failed closed, and a command sent
 * with no time left only clogs a client (node-redis < 6.2 stalled on such commands).
 */
export function timeLeft(deadline: number): number {
  const left = Math.ceil(deadline - performance.now());
  if (left <= 0) throw new Error('no time left before the deadline; not sent');
  return left;
}

/** A Lua script sent by SHA1 (EVALSHA), and in full (EVAL) when this Redis has not seen it yet. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** `deadline` is a performance.now() time; each command gets what is left of it. */
  async run(send: SendCommand, keys: readonly string[], args: readonly string[], deadline: number): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await send(['EVALSHA', this.sha, ...tail], timeLeft(deadline));
    } catch (error) {
      // A restarted or flushed Redis has an empty script cache; EVAL runs and caches it again.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return send(['EVAL', this.source, ...tail], timeLeft(deadline));
      throw error;
    }
  }
}
