import { z } from 'zod';
import { DURATIONS, REQUEST_MODEL_IDS, RESOLUTIONS, TIERS } from '../endpoints/index.js';

/**
 * A price is a decimal string greater than zero. JSON numbers are refused: a float has already
 * lost the exact value by the time we would see it. A combination that is not offered is left
 * out, never priced at zero.
 */
const UNSIGNED_DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const NOT_ZERO = /[1-9]/;

export const priceSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'a price is required' : 'a price must be a decimal string like "2.16", not a JSON number or other value') })
  .regex(UNSIGNED_DECIMAL, 'a price must be an unsigned decimal string like "2.16" (no sign, exponent or spaces)')
  .regex(NOT_ZERO, 'a price must be greater than zero; leave out a combination that is not offered');

const secondsSchema = z
  .string({ error: 'seconds must be a decimal string like "5"' })
  .regex(UNSIGNED_DECIMAL, 'seconds must be an unsigned decimal string like "5"')
  .regex(NOT_ZERO, 'seconds must be greater than zero');

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-" only');

/** A calendar date (midnight UTC) or a date-time with an explicit offset. */
const instantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected an ISO 8601 date ("2026-11-21") or date-time with offset ("2026-11-21T00:00:00Z")',
});

const tierSchema = z.enum(TIERS);
const resolutionSchema = z.enum(RESOLUTIONS);
const durationSchema = z.enum(DURATIONS);

const nonEmpty = (value: object) => Object.keys(value).length > 0;

const perClipBilling = z
  .object({
    kind: z.literal('per_clip'),
    rates: z
      .partialRecord(
        tierSchema,
        z
          .partialRecord(resolutionSchema, z.partialRecord(durationSchema, priceSchema).refine(nonEmpty, 'no durations priced'))
          .refine(nonEmpty, 'no resolutions priced'),
      )
      .refine(nonEmpty, 'no tiers priced'),
  })
  .strict();

const perBlockBilling = z
  .object({
    kind: z.literal('per_block'),
    blockSeconds: secondsSchema,
    maxSourceSeconds: secondsSchema,
    rates: z
      .partialRecord(tierSchema, z.partialRecord(resolutionSchema, priceSchema).refine(nonEmpty, 'no resolutions priced'))
      .refine(nonEmpty, 'no tiers priced'),
  })
  .strict();

export const endpointPricingSchema = z
  .object({
    request: z.enum(REQUEST_MODEL_IDS),
    source: z.url(),
    notes: z.string().min(1),
    verified: z.boolean(),
    billing: z.discriminatedUnion('kind', [perClipBilling, perBlockBilling]),
  })
  .strict();

export const pricingTableSchema = z
  .object({
    $schema: z.string().optional(),
    provider: idSchema,
    version: idSchema,
    effectiveFrom: instantSchema,
    effectiveUntil: instantSchema.optional(),
    currency: z.literal('USD', { error: 'only USD tables are supported' }),
    checked: z.iso.date(),
    endpoints: z.record(z.string().min(1), endpointPricingSchema).refine(nonEmpty, 'a table prices at least one endpoint'),
  })
  .strict();

export type PricingTableData = z.infer<typeof pricingTableSchema>;
export type EndpointPricingData = z.infer<typeof endpointPricingSchema>;
