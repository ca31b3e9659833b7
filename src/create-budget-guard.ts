import { withWrap, type BudgetGuard } from './fal/budget-guard.js';
import { withMediaPlaceholders } from './fal/media-placeholders.js';
import { createGuard } from './guard/create-guard.js';
import type { BudgetGuardOptions } from './guard/guard-types.js';
import { probeInlineMp4 } from './media/mp4-seconds.js';
import { bundledPriceBook } from './tables/bundled.js';

/**
 * A budget guard: quotes each call strictly, reserves it against every budget that applies
 * (atomically, in one ledger operation), and settles it once the outcome is known. This entry
 * binds the core guard to the bundled tables, the MP4 probe and fal's media uploads, and adds
 * `wrap(client)`, as `quote()` binds the core quote.
 */
export function createBudgetGuard(options: BudgetGuardOptions = {}): BudgetGuard {
  return withWrap(createGuard(options, {
    defaultBook: bundledPriceBook,
    probeSource: probeInlineMp4,
    pricedInput: withMediaPlaceholders,
  }));
}
