import type { BillingKind, Duration, RequestModel, Resolution, Tier } from '../endpoints/index.js';
import { requestModels, TIER_LABELS } from '../endpoints/index.js';
import type { BillingParams, QuoteLine } from '../quote-types.js';
import { PricingTableError, type PricingTableProblem } from '../errors/index.js';
import { Decimal, formatMoney } from '../money.js';
import { compareSeconds, parseSeconds, type Seconds } from '../seconds.js';
import { pricingTableSchema, type EndpointPricingData, type PricingTableData } from './schema.js';

/** A price kept both exact (for sums) and as the string it leaves as (for speed and display). */
export interface Price {
  readonly amount: Decimal;
  readonly text: string;
}

interface EndpointPricingBase {
  readonly endpoint: string;
  readonly request: RequestModel;
  readonly source: string;
  readonly notes: string;
  readonly verified: boolean;
}
/** Everything a per-clip quote says about one price cell, built once and shared (frozen). */
export interface ClipCell {
  readonly price: Price;
  readonly line: QuoteLine;
  readonly params: Extract<BillingParams, { billing: 'per_clip' }>;
}

export interface ClipPricing extends EndpointPricingBase {
  readonly billing: 'per_clip';
  /** Keyed `${tier} ${resolution} ${duration}`. */
  readonly prices: ReadonlyMap<string, Price>;
  /** tier -> resolution -> duration -> the cell's quote line and billing parameters. */
  readonly cells: ReadonlyMap<Tier, ReadonlyMap<Resolution, ReadonlyMap<Duration, ClipCell>>>;
}
export interface BlockPricing extends EndpointPricingBase {
  readonly billing: 'per_block';
  readonly blockSeconds: Decimal;
  readonly maxSourceSeconds: Decimal;
  /** The same two lengths as exact scaled integers, for the quoting hot path. */
  readonly blockLength: Seconds;
  readonly maxSourceLength: Seconds;
  /** Keyed `${tier} ${resolution}`. */
  readonly prices: ReadonlyMap<string, Price>;
}
export type EndpointPricing = ClipPricing | BlockPricing;

export const clipKey = (tier: Tier, resolution: Resolution, duration: Duration) => `${tier} ${resolution} ${duration}`;
export const blockKey = (tier: Tier, resolution: Resolution) => `${tier} ${resolution}`;

/** A validated table: its data as published, plus what identifies it exactly. */
export interface PricingTable {
  readonly provider: string;
  readonly version: string;
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | undefined;
  readonly effectiveFromMs: number;
  readonly effectiveUntilMs: number | undefined;
  readonly currency: 'USD';
  readonly checked: string;
  /** sha256 of the file's bytes, so a quote can be reproduced from exactly this table. */
  readonly sha256: string;
  /** Where it came from: a path relative to its pricing directory, or a caller's name. */
  readonly file: string;
  readonly endpoints: ReadonlyMap<string, EndpointPricing>;
  readonly data: PricingTableData;
}

export function instantToMs(text: string): number {
  // A bare date is midnight UTC; date-times carry their own offset.
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
}

function price(text: string): Price {
  const amount = new Decimal(text);
  return { amount, text: formatMoney(amount) };
}

function compileEndpoint(
  file: string,
  endpoint: string,
  data: EndpointPricingData,
  problems: PricingTableProblem[],
): EndpointPricing | undefined {
  const request = requestModels.get(data.request)!;
  const path = ['endpoints', endpoint];
  const expected: BillingKind = request.billing;
  if (data.billing.kind !== expected) {
    problems.push({ file, path: [...path, 'billing', 'kind'], message: `request model ${request.id} is billed ${expected}, not ${data.billing.kind}` });
    return undefined;
  }
  for (const tier of Object.keys(data.billing.rates) as Tier[]) {
    if (!request.tiers.includes(tier)) {
      problems.push({ file, path: [...path, 'billing', 'rates', tier], message: `request model ${request.id} cannot ask for tier ${tier}` });
    }
  }
  const base = { endpoint, request, source: data.source, notes: data.notes, verified: data.verified };
  const prices = new Map<string, Price>();
  if (data.billing.kind === 'per_clip') {
    const cells = new Map<Tier, Map<Resolution, Map<Duration, ClipCell>>>();
    for (const [tier, byResolution] of Object.entries(data.billing.rates) as [Tier, Record<string, Record<string, string>>][]) {
      for (const [resolution, byDuration] of Object.entries(byResolution ?? {}) as [Resolution, Record<string, string>][]) {
        for (const [duration, text] of Object.entries(byDuration ?? {}) as [Duration, string][]) {
          const key = clipKey(tier, resolution, duration);
          const cellPrice = price(text);
          prices.set(key, cellPrice);
          const byResolutionCells = cells.get(tier) ?? new Map<Resolution, Map<Duration, ClipCell>>();
          cells.set(tier, byResolutionCells);
          const byDurationCells = byResolutionCells.get(resolution) ?? new Map<Duration, ClipCell>();
          byResolutionCells.set(resolution, byDurationCells);
          byDurationCells.set(duration, Object.freeze({
            price: cellPrice,
            line: Object.freeze({
              description: `${endpoint} · ${resolution} · ${TIER_LABELS[tier]} · ${duration}`,
              quantity: '1',
              unit: 'clip' as const,
              unitPrice: cellPrice.text,
              amount: cellPrice.text,
            }),
            params: Object.freeze({ billing: 'per_clip' as const, tier, resolution, duration }),
          }));
        }
      }
    }
    return { ...base, billing: 'per_clip', prices, cells };
  }
  for (const [tier, byResolution] of Object.entries(data.billing.rates)) {
    for (const [resolution, text] of Object.entries(byResolution ?? {})) {
      prices.set(blockKey(tier as Tier, resolution as Resolution), price(text as string));
    }
  }
  // The schema has checked both are positive decimal strings.
  const blockLength = parseSeconds(data.billing.blockSeconds)!;
  const maxSourceLength = parseSeconds(data.billing.maxSourceSeconds)!;
  if (compareSeconds(maxSourceLength, blockLength) < 0) {
    problems.push({ file, path: [...path, 'billing', 'maxSourceSeconds'], message: 'maxSourceSeconds is shorter than one block' });
  }
  return {
    ...base, billing: 'per_block', prices, blockLength, maxSourceLength,
    blockSeconds: new Decimal(data.billing.blockSeconds), maxSourceSeconds: new Decimal(data.billing.maxSourceSeconds),
  };
}

/**
 * Validates one table (already parsed from JSON) and compiles its prices for fast lookup.
 * Pure: the caller supplies the file name and the hash of the bytes it read.
 */
export function compilePricingTable(json: unknown, file: string, sha256: string): PricingTable {
  const parsed = pricingTableSchema.safeParse(json);
  if (!parsed.success) {
    throw new PricingTableError(
      parsed.error.issues.flatMap((issue): PricingTableProblem[] => {
        const path = issue.path as (string | number)[];
        // zod reports unknown keys at their parent; point at each key itself.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ file, path: [...path, key], message: `unknown key "${key}"` }));
        }
        return [{ file, path, message: issue.message }];
      }),
    );
  }
  const data = parsed.data;
  const problems: PricingTableProblem[] = [];
  const effectiveFromMs = instantToMs(data.effectiveFrom);
  const effectiveUntilMs = data.effectiveUntil === undefined ? undefined : instantToMs(data.effectiveUntil);
  if (effectiveUntilMs !== undefined && effectiveUntilMs <= effectiveFromMs) {
    problems.push({ file, path: ['effectiveUntil'], message: 'effectiveUntil must be later than effectiveFrom' });
  }
  const endpoints = new Map<string, EndpointPricing>();
  for (const [endpoint, endpointData] of Object.entries(data.endpoints)) {
    const compiled = compileEndpoint(file, endpoint, endpointData, problems);
    if (compiled) endpoints.set(endpoint, compiled);
  }
  if (problems.length > 0) throw new PricingTableError(problems);
  return {
    provider: data.provider,
    version: data.version,
    effectiveFrom: data.effectiveFrom,
    effectiveUntil: data.effectiveUntil,
    effectiveFromMs,
    effectiveUntilMs,
    currency: data.currency,
    checked: data.checked,
    sha256,
    file,
    endpoints,
    data,
  };
}
