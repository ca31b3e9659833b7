import type { CoreBudgetGuard } from '../guard/guard-types.js';
import { wrapFalClient, type WrapOptions } from './wrap-fal-client.js';

/** The guard createBudgetGuard returns: the core guard, plus `wrap` for a @fal-ai/client client. */
export interface BudgetGuard extends CoreBudgetGuard {
  /** The fal client with subscribe, run, stream and queue.submit guarded; the rest passed through. */
  wrap<Client extends object>(client: Client, options?: WrapOptions): Client;
}

/** Gives a core guard its `wrap`: the fal client is bound here, so the guard never imports it. */
export function withWrap(guard: CoreBudgetGuard): BudgetGuard {
  return Object.assign(guard, {
    wrap<Client extends object>(client: Client, options?: WrapOptions): Client {
      return wrapFalClient(guard, client, options);
    },
  });
}
