import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal, formatMoney } from '../../../core/money.js';
import type { PricingTable } from '../../../core/pricing/pricing-table.js';
import { endpointPrices, type EndpointPrice } from '../../../fal/platform/endpoint-prices.js';
import { falPlatformClient } from '../../../fal/platform/platform-client.js';
import { readPricingTable } from '../../../tables/read-table.js';
import { CliError } from '../../cli-error.js';
import { pricingContext } from '../../pricing-context.js';
import { baseCellOf } from './base-cell.js';
import { draftTable, type PriceChange } from './draft-table.js';
import type { PriceCheckRow, PricingCheckReport, PriceStatus } from './pricing-check-report.js';

export interface PricingCheckFlags {
  readonly at?: string;
  readonly pricing?: string;
  readonly apiUrl?: string;
  /** A directory to draft the new table version in. */
  readonly write?: string;
}

export interface PricingCheckIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

const PROVIDER = 'fal';

function compare(endpoint: string, billing: { kind: string; rates?: unknown }, answer: EndpointPrice | undefined): PriceCheckRow {
  const base = baseCellOf(billing);
  const cell = typeof base === 'string' ? undefined : base;
  const row = {
    endpoint, cell: cell?.path.join(' '), tablePrice: cell?.price, tableUnit: cell?.per,
    falPrice: answer?.unitPrice, falUnit: answer?.unit, falCurrency: answer?.currency, change: undefined, reason: undefined,
  };
  if (!answer) return { ...row, status: 'missing', reason: 'fal\'s pricing API has no price for it (for this key\'s account)' };
  if (typeof base === 'string') return { ...row, status: 'unknown_unit', reason: base };
  if (answer.currency !== 'USD') return { ...row, status: 'unknown_unit', reason: `fal prices it in ${answer.currency}; the tables are USD` };
  if (!base.units.includes(answer.unit.toLowerCase())) return { ...row, status: 'unknown_unit', reason: `fal prices it per ${answer.unit}; the table's base cell is a price per ${base.per}` };
  const difference = new Decimal(answer.unitPrice).minus(base.price);
  if (difference.isZero()) return { ...row, status: 'unchanged' };
  return { ...row, status: 'changed', change: `${difference.isNegative() ? '-' : '+'}${formatMoney(difference.abs())}` };
}

/** A version id no table of the provider uses yet: the date, then date.2, date.3, ... */
function freeVersion(date: string, taken: readonly PricingTable[]): string {
  const used = new Set(taken.map((table) => table.version));
  if (!used.has(date)) return date;
  let n = 2;
  while (used.has(`${date}.${n}`)) n += 1;
  return `${date}.${n}`;
}

/**
 * `fal-budget pricing check`: fal's unit price for each fal endpoint of the table in effect
 * against that table's base cell. With --write, a new table version for people to review, in
 * that directory, validated like any table; never over a file that exists.
 */
export async function pricingCheckCommand(flags: PricingCheckFlags, io: PricingCheckIo): Promise<PricingCheckReport> {
  const { book, at } = pricingContext({ at: flags.at, pricing: flags.pricing }, io.now);
  const table = book.select(PROVIDER, { atMs: at.getTime() });
  const ids = Object.keys(table.data.endpoints);
  // The key comes from io.env only (never this process's own environment behind its back).
  const client = falPlatformClient({ key: io.env.FAL_KEY ?? '', ...(flags.apiUrl === undefined ? {} : { baseUrl: flags.apiUrl }) });
  const prices = await endpointPrices(client, ids);
  const endpoints = ids.map((id) => compare(id, table.data.endpoints[id]!.billing, prices.get(id)));
  const counts: Record<PriceStatus, number> = { unchanged: 0, changed: 0, unknown_unit: 0, missing: 0 };
  for (const row of endpoints) counts[row.status] += 1;

  let draft: PricingCheckReport['draft'];
  if (flags.write !== undefined && counts.changed > 0) {
    const now = io.now();
    const checked = now.toISOString().slice(0, 10);
    const version = freeVersion(checked, book.versionsOf(PROVIDER));
    const changes: PriceChange[] = endpoints.filter((row) => row.status === 'changed')
      .map((row) => ({ endpoint: row.endpoint, old: row.tablePrice!, new: row.falPrice!, unit: row.tableUnit! }));
    const drafted = draftTable(table.data, changes, { version, effectiveFrom: `${now.toISOString().slice(0, 19)}Z`, checked });
    if ('refused' in drafted) {
      draft = { refused: drafted.refused };
    } else {
      const dir = join(flags.write, PROVIDER);
      const file = join(dir, `${version}.json`);
      const text = `${JSON.stringify(drafted.data, null, 2)}\n`;
      // Validated like any table, and against the tables it would join, before a byte is written.
      book.with([readPricingTable(text, file)]);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, text, { flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError('unreadable_input', `--write ${flags.write}: ${code === 'EEXIST' ? `${file} exists; a draft never replaces a table` : `cannot write ${file} (${code ?? (error as Error).message})`}`, { cause: error });
      }
      draft = { file, version };
    }
  }
  return {
    kind: 'pricing-check',
    currency: 'USD',
    at: at.toISOString(),
    table: { provider: table.provider, version: table.version, sha256: table.sha256, file: table.file },
    endpoints,
    counts,
    draft,
  };
}
