/**
 * The output tiers of the Luma Ray family: SDR, HDR, and HDR with an EXR export. A request asks
 * for one with its `hdr` and `exr_export` fields, so a model without them can only be SDR.
 */
export const TIERS = ['sdr', 'hdr', 'hdr_exr'] as const;
export type Tier = (typeof TIERS)[number];
export const TIER_LABELS: Readonly<Record<Tier, string>> = { sdr: 'SDR', hdr: 'HDR', hdr_exr: 'HDR+EXR' };

/** The tier a (parsed) request asks for. */
export function tierOf(input: Record<string, unknown>): Tier {
  if (input.exr_export === true) return 'hdr_exr';
  if (input.hdr === true) return 'hdr';
  return 'sdr';
}

/** The tiers a model's fields can ask for. */
export function tiersOf(fieldNames: ReadonlySet<string>): readonly Tier[] {
  const tiers: Tier[] = ['sdr'];
  if (fieldNames.has('hdr')) tiers.push('hdr');
  if (fieldNames.has('hdr') && fieldNames.has('exr_export')) tiers.push('hdr_exr');
  return tiers;
}
