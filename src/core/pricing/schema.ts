import * as z from 'zod/mini';
import { billingSchema } from '../billing/index.js';
import { REQUEST_MODEL_IDS } from '../endpoints/index.js';
import { englishMessagesByDefault } from '../english-messages.js';

// pricingTableSchema is exported: an app may parse with it directly, before fal-budget parses
// anything. As `zod` did on building its first schema, loading it sets zod's English (unless the
// app configured a locale).
englishMessagesByDefault();

const idSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-" only'));

/** A calendar date (midnight UTC) or a date-time with an explicit offset. */
const instantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected an ISO 8601 date ("2026-11-21") or date-time with offset ("2026-11-21T00:00:00Z")',
});

const nonEmpty = (value: object) => Object.keys(value).length > 0;

const endpointPricingSchema = z.strictObject({
  request: z.enum(REQUEST_MODEL_IDS),
  source: z.url(),
  notes: z.string().check(z.minLength(1)),
  verified: z.boolean(),
  // One schema per billing kind (src/core/billing): the card's keys are checked against the
  // request model when the table compiles, since each endpoint has its own dimensions.
  billing: billingSchema,
});

export const pricingTableSchema = z.strictObject({
  $schema: z.optional(z.string()),
  provider: idSchema,
  version: idSchema,
  effectiveFrom: instantSchema,
  effectiveUntil: z.optional(instantSchema),
  currency: z.literal('USD', { error: 'only USD tables are supported' }),
  checked: z.iso.date(),
  endpoints: z.record(z.string().check(z.minLength(1)), endpointPricingSchema).check(z.refine(nonEmpty, 'a table prices at least one endpoint')),
});

export type PricingTableData = z.infer<typeof pricingTableSchema>;
export type EndpointPricingData = z.infer<typeof endpointPricingSchema>;
