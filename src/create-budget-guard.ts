import type { SourceProbe } from './core/quote-options.js';
import { InvalidOptionError } from './core/errors/invalid-option-error.js';
import { withWrap, type BudgetGuard } from './fal/budget-guard.js';
import { withMediaPlaceholders } from './fal/media-placeholders.js';
import { createGuard } from './guard/create-guard.js';
import type { BudgetGuardOptions as CoreGuardOptions } from './guard/guard-types.js';
import { bundledPriceBook } from './tables/bundled.js';

export interface BudgetGuardOptions extends CoreGuardOptions {
  /**
   * Measures an inline `source_data` edit source: probeInlineMp4 from fal-budget/mp4. Without one
   * such a call is reserved at the endpoint's maximum source length (never less than it costs).
   * Opt-in, so the MP4 parser (mp4box, 180 KB) is not in every bundle of the guard.
   */
  readonly probeSource?: SourceProbe;
}

/**
 * A budget guard: quotes each call strictly, reserves it against every budget that applies
 * (atomically, in one ledger operation), and settles it once the outcome is known. This entry
 * binds the core guard to the bundled tables, fal's media uploads and the source probe you pass,
 * and adds `wrap(client)`, as `quote()` binds the core quote.
 */
export function createBudgetGuard(options: BudgetGuardOptions = {}): BudgetGuard {
  const probeSource = typeof options === 'object' && options !== null ? options.probeSource : undefined;
  if (probeSource !== undefined && typeof probeSource !== 'function') {
    throw new InvalidOptionError('probeSource', 'must be a source probe function (probeInlineMp4 from fal-budget/mp4)');
  }
  return withWrap(createGuard(options, {
    defaultBook: bundledPriceBook,
    probeSource,
    pricedInput: withMediaPlaceholders,
  }));
}
