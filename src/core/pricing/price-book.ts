import { NoPriceInEffectError } from '../errors/no-price-in-effect-error.js';
import { PricingTableError, type PricingTableProblem } from '../errors/pricing-table-error.js';
import type { PricingTable } from './pricing-table.js';

/** How a quote picks its table: the one in effect at an instant, or a pinned version. */
export type TableSelector = { readonly atMs: number; readonly version?: undefined } | { readonly version: string; readonly atMs?: number };

/**
 * Every table we know, by provider, ordered by effectiveFrom. The table in effect at an instant
 * is the one with the latest effectiveFrom at or before it (unless its effectiveUntil has
 * passed). Two tables of one provider may not share a version id, a start, or a stretch of time.
 */
/** Marks a PriceBook across copies of the package, where `instanceof` sees only its own class. */
const PRICE_BOOK_BRAND = Symbol.for('fal-budget.PriceBook');

export class PriceBook {
  readonly tables: readonly PricingTable[];
  private readonly byProvider = new Map<string, PricingTable[]>();
  private readonly providersByEndpoint = new Map<string, string[]>();

  constructor(tables: readonly PricingTable[]) {
    const problems: PricingTableProblem[] = [];
    for (const table of tables) {
      const list = this.byProvider.get(table.provider) ?? [];
      const twin = list.find((other) => other.version === table.version);
      if (twin) {
        problems.push({ file: table.file, path: ['version'], message: `duplicate version ${table.provider}/${table.version}: also in ${twin.file}` });
        continue;
      }
      list.push(table);
      this.byProvider.set(table.provider, list);
    }
    for (const list of this.byProvider.values()) {
      list.sort((a, b) => a.effectiveFromMs - b.effectiveFromMs);
      for (let index = 1; index < list.length; index += 1) {
        const earlier = list[index - 1]!;
        const later = list[index]!;
        if (earlier.effectiveFromMs === later.effectiveFromMs) {
          problems.push({ file: later.file, path: ['effectiveFrom'], message: `takes effect at the same instant as ${earlier.file}` });
        } else if (earlier.effectiveUntilMs !== undefined && earlier.effectiveUntilMs > later.effectiveFromMs) {
          problems.push({ file: later.file, path: ['effectiveFrom'], message: `overlaps ${earlier.file}, which is in effect until ${earlier.effectiveUntil}` });
        }
      }
      for (const table of list) {
        for (const endpoint of table.endpoints.keys()) {
          const providers = this.providersByEndpoint.get(endpoint) ?? [];
          if (!providers.includes(table.provider)) providers.push(table.provider);
          this.providersByEndpoint.set(endpoint, providers);
        }
      }
    }
    if (problems.length > 0) throw new PricingTableError(problems);
    this.tables = [...this.byProvider.values()].flat();
  }

  /**
   * A new book with `extra` tables merged over these. A table identical to one already here
   * (same provider, version and hash) is taken once; any other clash is an error.
   */
  with(extra: readonly PricingTable[]): PriceBook {
    const fresh = extra.filter(
      (table) => !this.tables.some((known) => known.provider === table.provider && known.version === table.version && known.sha256 === table.sha256),
    );
    return new PriceBook([...this.tables, ...fresh]);
  }

  providers(): string[] {
    return [...this.byProvider.keys()];
  }

  /** Providers that price this endpoint in any version. */
  providersOf(endpoint: string): readonly string[] {
    return this.providersByEndpoint.get(endpoint) ?? [];
  }

  endpointIds(): string[] {
    return [...this.providersByEndpoint.keys()].sort();
  }

  versionsOf(provider: string): readonly PricingTable[] {
    return this.byProvider.get(provider) ?? [];
  }

  select(provider: string, selector: TableSelector): PricingTable {
    const list = this.byProvider.get(provider) ?? [];
    if (selector.version !== undefined) {
      const pinned = list.find((table) => table.version === selector.version);
      if (!pinned) {
        const known = list.map((table) => table.version).join(', ') || 'none';
        throw new NoPriceInEffectError(`no pricing version "${selector.version}" for ${provider} (known: ${known})`, { provider, version: selector.version });
      }
      return pinned;
    }
    const at = selector.atMs;
    let chosen: PricingTable | undefined;
    for (const table of list) {
      if (table.effectiveFromMs <= at) chosen = table;
      else break;
    }
    if (chosen && (chosen.effectiveUntilMs === undefined || at < chosen.effectiveUntilMs)) return chosen;
    const atText = Number.isFinite(at) ? new Date(at).toISOString() : String(at);
    if (!chosen) {
      const first = list[0];
      const hint = first ? `; the first ${provider} table takes effect ${first.effectiveFrom}` : '';
      throw new NoPriceInEffectError(`no ${provider} price in effect at ${atText}${hint}`, { provider, at: atText });
    }
    throw new NoPriceInEffectError(
      `no ${provider} price in effect at ${atText}: ${chosen.file} ended ${chosen.effectiveUntil} and no later table starts before then`,
      { provider, at: atText },
    );
  }
}

Object.defineProperty(PriceBook.prototype, PRICE_BOOK_BRAND, { value: true });

/**
 * Whether `value` is a PriceBook from this or another copy of fal-budget (a second version in
 * node_modules, or a bundle): tables a caller loaded with one copy price calls guarded by the other.
 */
export function isPriceBook(value: unknown): value is PriceBook {
  return value instanceof PriceBook
    || (typeof value === 'object' && value !== null && (value as { [PRICE_BOOK_BRAND]?: unknown })[PRICE_BOOK_BRAND] === true);
}
