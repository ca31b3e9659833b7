import { pricingContext, type PricingFlags } from '../pricing-context.js';
import type { VersionsReport } from '../report.js';

/** `fal-budget versions`: every table we know, oldest first per provider, and which is in effect. */
export function versionsCommand(flags: Omit<PricingFlags, 'pricingVersion'>, now: () => Date): VersionsReport {
  const { book, at } = pricingContext(flags, now);
  const atMs = at.getTime();
  const tables = book.providers().sort().flatMap((provider) => {
    const list = book.versionsOf(provider);
    return list.map((table, index) => {
      const next = list[index + 1];
      const started = table.effectiveFromMs <= atMs;
      const notEnded = (table.effectiveUntilMs === undefined || atMs < table.effectiveUntilMs) && (next === undefined || atMs < next.effectiveFromMs);
      return {
        provider: table.provider,
        version: table.version,
        effectiveFrom: table.effectiveFrom,
        effectiveUntil: table.effectiveUntil,
        checked: table.checked,
        sha256: table.sha256,
        file: table.file,
        endpoints: [...table.endpoints.keys()],
        inEffect: started && notEnded,
      };
    });
  });
  return { kind: 'versions', at: at.toISOString(), tables };
}
