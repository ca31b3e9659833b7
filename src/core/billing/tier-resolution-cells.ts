import type { Tier } from '../endpoints/index.js';

/**
 * A card's cells by tier, then resolution. Nested maps rather than one map keyed
 * `${tier} ${resolution}`: that key was a new string to build and hash on every quote.
 */
export class TierResolutionCells<Cell> {
  private readonly byTier = new Map<Tier, Map<string, Cell>>();

  set(tier: Tier, resolution: string, cell: Cell): void {
    const byResolution = this.byTier.get(tier) ?? new Map<string, Cell>();
    this.byTier.set(tier, byResolution);
    byResolution.set(resolution, cell);
  }

  get(tier: Tier, resolution: string): Cell | undefined {
    return this.byTier.get(tier)?.get(resolution);
  }
}
