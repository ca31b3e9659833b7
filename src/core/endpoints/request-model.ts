import type { z } from 'zod';
import type { RequestIssue } from '../errors/index.js';

export const TIERS = ['sdr', 'hdr', 'hdr_exr'] as const;
export type Tier = (typeof TIERS)[number];
export const TIER_LABELS: Readonly<Record<Tier, string>> = { sdr: 'SDR', hdr: 'HDR', hdr_exr: 'HDR+EXR' };

export const RESOLUTIONS = ['540p', '720p', '1080p'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const DURATIONS = ['5s', '10s'] as const;
export type Duration = (typeof DURATIONS)[number];

export type BillingKind = 'per_clip' | 'per_block';

/** What sets the price of one request, after defaults. */
export interface ClipBillingParams {
  readonly tier: Tier;
  readonly resolution: Resolution;
  readonly duration: Duration;
}
export interface BlockBillingParams {
  readonly tier: Tier;
  readonly resolution: Resolution;
}

/** Validation level: `quote` needs only what sets the price; `strict` is what the provider accepts. */
export type ValidationMode = 'quote' | 'strict';

/** A request field as the request model knows it: enough for the CLI to map flags onto it. */
export interface FieldInfo {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'number' | 'enum' | 'string[]';
  readonly options?: readonly string[];
  readonly default?: string | boolean;
  /** Required by the provider (possibly only at strict level). */
  readonly required: boolean;
  /** Changes the price (resolution, duration, hdr, exr_export). */
  readonly priced: boolean;
}

interface RequestModelBase {
  /** Referenced by pricing tables' `request` field. */
  readonly id: string;
  /** Which tiers the request can express at all (no `hdr` field: SDR only). */
  readonly tiers: readonly Tier[];
  readonly fields: readonly FieldInfo[];
  /** Fields the provider accepts but ignores, with the reason shown as a warning. */
  readonly ignoredFields: Readonly<Record<string, string>>;
  readonly quoteSchema: z.ZodType<Record<string, unknown>>;
  readonly strictSchema: z.ZodType<Record<string, unknown>>;
  /** Rules across fields; only looks at fields that already have a valid type. */
  rules(input: Record<string, unknown>, mode: ValidationMode): RequestIssue[];
  /** Provider-required fields that are absent (a quote warns, strict validation rejects). */
  missing(input: Record<string, unknown>): string[];
}

export interface ClipRequestModel extends RequestModelBase {
  readonly billing: 'per_clip';
  billingParams(input: Record<string, unknown>): ClipBillingParams;
}

export interface BlockRequestModel extends RequestModelBase {
  readonly billing: 'per_block';
  billingParams(input: Record<string, unknown>): BlockBillingParams;
  /** Where the source's length could come from, in the request itself. */
  source(input: Record<string, unknown>): { kind: 'inline'; data: string; mediaType: string } | { kind: 'reference' } | { kind: 'none' };
  readonly maxSourceField: string;
}

export type RequestModel = ClipRequestModel | BlockRequestModel;

export function tierOf(input: Record<string, unknown>): Tier {
  if (input.exr_export === true) return 'hdr_exr';
  if (input.hdr === true) return 'hdr';
  return 'sdr';
}
