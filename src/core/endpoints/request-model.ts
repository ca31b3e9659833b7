import type { z } from 'zod';
import type { RequestIssue } from '../errors/index.js';

export const TIERS = ['sdr', 'hdr', 'hdr_exr'] as const;
export type Tier = (typeof TIERS)[number];
export const TIER_LABELS: Readonly<Record<Tier, string>> = { sdr: 'SDR', hdr: 'HDR', hdr_exr: 'HDR+EXR' };

export const RESOLUTIONS = ['540p', '720p', '1080p'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const DURATIONS = ['5s', '10s'] as const;
export type Duration = (typeof DURATIONS)[number];

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

/** Where a source video's length could come from, in the request itself. */
export type SourceRef =
  | { readonly kind: 'inline'; readonly data: string; readonly mediaType: string }
  | { readonly kind: 'reference'; readonly field: string }
  | { readonly kind: 'none' };

export interface RequestModel {
  /** Referenced by pricing tables' `request` field. */
  readonly id: string;
  /** The billing kind a table must price it by (src/core/billing). */
  readonly billing: string;
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
  /** For a request billed by its source's length: where that length could come from. */
  source?(input: Record<string, unknown>): SourceRef;
  /** The field a too-long measured source is reported at. */
  readonly maxSourceField?: string;
}

export function tierOf(input: Record<string, unknown>): Tier {
  if (input.exr_export === true) return 'hdr_exr';
  if (input.hdr === true) return 'hdr';
  return 'sdr';
}
