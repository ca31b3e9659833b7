import * as z from 'zod/mini';
import type { BillingKind, DataOf, ParamsOf, UnitOf } from './billing-kind.js';
import { perBlock } from './per-block.js';
import { perClip } from './per-clip.js';
import { perSecond } from './per-second.js';

/**
 * Every billing kind, one module each. Adding a kind is its module and one line here: the
 * pricing schema, the quote dispatch, `prices`, `diff` and the renderers all go through this.
 */
export const BILLING_KINDS = [perClip, perBlock, perSecond] as const;

type AnyBillingKind = (typeof BILLING_KINDS)[number];
/** What `Quote.params` can be: the union of every kind's parameters. */
export type BillingParams = ParamsOf<AnyBillingKind>;
/** What `QuoteLine.unit` can be. */
export type QuoteUnit = UnitOf<AnyBillingKind>;

const byId: ReadonlyMap<string, BillingKind> = new Map(BILLING_KINDS.map((kind) => [kind.id, kind as unknown as BillingKind]));

export function billingKind(id: string): BillingKind | undefined {
  return byId.get(id);
}

/** A table entry's `billing` object, as one of the kinds' schemas describes it. */
export type BillingData = DataOf<AnyBillingKind>;

/** A table entry's `billing` object: one of the kinds' schemas, chosen by `kind`. */
export const billingSchema = z.discriminatedUnion(
  'kind',
  // Each kind's schema is a strict object with a literal `kind`, as the union needs.
  BILLING_KINDS.map((kind) => kind.schema) as unknown as [z.ZodMiniObject<{ kind: z.ZodMiniLiteral<string> }>],
) as unknown as z.ZodMiniType<BillingData>;

export type { BaseCell, BillingKind, Card, RateCardRow } from './billing-kind.js';
