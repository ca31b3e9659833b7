import { billingKind, type BaseCell } from '../../../core/billing/index.js';

export type { BaseCell };

/**
 * The one cell of a rate card that fal's pricing API prices, as the card's billing kind says
 * (src/core/billing); a kind fal does not price (per block) has none, and says so.
 */
export function baseCellOf(billing: { readonly kind: string }): BaseCell | string {
  const kind = billingKind(billing.kind);
  if (kind?.baseCell === undefined) return `a ${billing.kind} card has no cell fal's unit price stands for`;
  return kind.baseCell(billing);
}
