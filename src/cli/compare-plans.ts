import * as z from 'zod/mini';
import { safeParseInEnglish } from '../core/english-messages.js';
import { formatJsonPath } from '../core/errors/index.js';
import { Decimal, formatMoney, isDecimalString, parseDecimal } from '../core/money.js';
import { CliError } from './cli-error.js';
import { readInputText } from './read-input.js';

/**
 * `batch --compare-to <saved.json>`: what changed since a saved `batch --json` result, line id by
 * line id, the way `infracost diff` compares resources by address.
 *
 * Matching: a line with an id is matched by its id (7 and "7" are the same id, as they print the
 * same); lines sharing an id are added together. A line without an id is matched by its line
 * number ("line 12"), so inserting a line above it shows as changes: give lines ids to compare
 * plans that move.
 *
 * The saved result is a file anyone can edit, and the comparison reads its totals: each item's
 * total, the document's total, its subtotals and its counts are recomputed from the items
 * exactly, and a file where they disagree is refused (a raised `total` would otherwise hide an
 * increase from --max-increase).
 */

/** Money in a saved result: a decimal string, as every fal-budget output writes it. */
const money = z.string().check(z.refine(isDecimalString, { message: 'expected an amount as a decimal string like "8.64"' }));
const count = z.number().check(z.int(), z.gte(1));
const jobs = z.number().check(z.int(), z.gte(0));

/** Only what a comparison reads is checked; every other field of the saved document is ignored. */
const SavedPlan = z.object({
  currency: z.literal('USD'),
  total: money,
  itemsOmitted: z.optional(z.literal(0, { message: 'the saved result lists only some priced lines (it was saved with --items): save it with --json alone, which lists them all' })),
  items: z.array(z.object({
    line: z.number().check(z.int(), z.gte(1)),
    id: z.optional(z.union([z.string(), z.number()])),
    endpoint: z.optional(z.string()),
    provider: z.optional(z.string()),
    // Results saved before `count` existed are one job a line.
    count: z.optional(count),
    total: money,
    // One job's lines: when present, the item's total must be count times their sum.
    lines: z.optional(z.array(z.object({ amount: money }))),
  })),
  subtotals: z.optional(z.array(z.object({ endpoint: z.string(), provider: z.string(), count: jobs, total: money }))),
  counts: z.optional(z.object({ quoted: jobs, jobs })),
});

type SavedPlanData = z.infer<typeof SavedPlan>;

/** A saved result whose derived fields disagree with its items: exit 2, naming the file and the field. */
class SavedResultError extends CliError {
  override name = 'SavedResultError';
  readonly file: string;
  /** The field at fault, as a JSON path ("total", "items[3].total", "subtotals[0].count"). */
  readonly field: string;

  constructor(file: string, field: string, reason: string) {
    super('malformed_input', `--compare-to ${file}: $.${field}: ${reason}; the file was edited or is not what fal-budget batch --json printed, so it cannot be compared`);
    this.file = file;
    this.field = field;
  }
}

type PlanChangeKind = 'added' | 'removed' | 'changed' | 'invalid';

/** One key's side of a comparison: its lines' total and jobs. */
interface PlanSide {
  readonly total: string;
  readonly count: number;
}

export interface PlanChange {
  readonly change: PlanChangeKind;
  /** The line id, or for a line without one its line number as "line 12". */
  readonly key: string;
  /** The saved side; absent for an added line. */
  readonly old?: PlanSide;
  /** This run's side; absent for a removed line, and for one invalid in this run. */
  readonly new?: PlanSide;
  /** new - old, signed ("+1.08", "-0.50"); absent when this run could not price the line. */
  readonly delta?: string;
}

interface MaxIncreaseCheck {
  readonly max: string;
  readonly within: boolean;
  /** delta - max when over. */
  readonly over: string | undefined;
}

export interface PlanComparison {
  /** The saved result's path, as given. */
  readonly against: string;
  readonly old: { readonly total: string };
  readonly new: { readonly total: string };
  /** new total - old total, signed. */
  readonly delta: string;
  readonly changes: readonly PlanChange[];
  readonly unchanged: number;
  readonly maxIncrease: MaxIncreaseCheck | undefined;
}

interface Tally {
  total: Decimal;
  count: number;
}

export function signedMoney(amount: Decimal): string {
  // decimal.js keeps a negative zero: a removed $0 line is "+0.00", not "-0.00".
  return amount.isNegative() && !amount.isZero() ? formatMoney(amount) : `+${formatMoney(amount.abs())}`;
}

/** What a line without an id is keyed as; an id that looks like it is shown quoted. */
const LINE_KEY = /^line [0-9]+$/;

/**
 * A line's key, shown as is in every format: its id, or "line 12" for a line without one. The
 * two must never meet, so an id that reads like a line key ("line 2"), or that starts with a
 * double quote, is shown as a JSON string ("\"line 2\""): no id then produces a bare "line N",
 * and no two ids produce the same key.
 */
function keyOf(line: number, id: string | number | undefined): string {
  if (id === undefined) return `line ${line}`;
  const text = String(id);
  return LINE_KEY.test(text) || text.startsWith('"') ? JSON.stringify(text) : text;
}

function addTo(map: Map<string, Tally>, key: string, total: Decimal, jobs: number): void {
  const seen = map.get(key);
  if (seen) {
    seen.total = seen.total.plus(total);
    seen.count += jobs;
  } else {
    map.set(key, { total, count: jobs });
  }
}

const side = (tally: Tally): PlanSide => ({ total: formatMoney(tally.total), count: tally.count });

function parseMaxIncrease(text: string | undefined): Decimal | undefined {
  if (text === undefined) return undefined;
  const max = parseDecimal(text.trim());
  if (!max) throw new CliError('usage', `--max-increase: expected an amount in USD like 25 or 12.50 (got "${text}")`);
  return max;
}

/** Reads and checks the saved result; a bad one is an exit-2 error naming the file and the field. */
async function readSavedPlan(path: string, stdin: AsyncIterable<Buffer | string>): Promise<{ total: Decimal; byKey: Map<string, Tally> }> {
  const text = await readInputText(path, '--compare-to', stdin);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError('malformed_input', `--compare-to ${path}: not valid JSON (${(error as Error).message}); save a result with fal-budget batch <plan> --json > ${path}`, { cause: error });
  }
  const parsed = safeParseInEnglish(SavedPlan, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError('malformed_input', `--compare-to ${path}: ${formatJsonPath(issue.path as (string | number)[])}: ${issue.message} (expected a saved fal-budget batch --json result)`);
  }
  checkDerivedFields(path, parsed.data);
  const byKey = new Map<string, Tally>();
  for (const item of parsed.data.items) addTo(byKey, keyOf(item.line, item.id), new Decimal(item.total), item.count ?? 1);
  return { total: new Decimal(parsed.data.total), byKey };
}

/**
 * Every total and count the saved result states, recomputed from its items exactly: an item's
 * total from its lines and count, the total from the items, the subtotals per provider and
 * endpoint, and the counts of priced lines and jobs.
 */
function checkDerivedFields(path: string, saved: SavedPlanData): void {
  let total = new Decimal(0);
  let jobCount = 0;
  const groups = new Map<string, { count: number; total: Decimal }>();
  saved.items.forEach((item, index) => {
    const itemTotal = new Decimal(item.total);
    const itemCount = item.count ?? 1;
    if (item.lines !== undefined && item.lines.length > 0) {
      const perJob = item.lines.reduce((sum, line) => sum.plus(line.amount), new Decimal(0));
      const expected = perJob.times(itemCount);
      if (!expected.eq(itemTotal)) throw new SavedResultError(path, `items[${index}].total`, `"${item.total}" is not ${itemCount} × its lines' ${formatMoney(perJob)} (${formatMoney(expected)})`);
    }
    total = total.plus(itemTotal);
    jobCount += itemCount;
    if (saved.subtotals !== undefined) {
      if (item.endpoint === undefined || item.provider === undefined) throw new SavedResultError(path, `items[${index}]`, 'has no endpoint or provider, so its subtotals cannot be checked');
      const key = `${item.provider} ${item.endpoint}`;
      const group = groups.get(key);
      if (group) {
        group.count += itemCount;
        group.total = group.total.plus(itemTotal);
      } else {
        groups.set(key, { count: itemCount, total: itemTotal });
      }
    }
  });
  if (!total.eq(saved.total)) throw new SavedResultError(path, 'total', `"${saved.total}" is not what its items add up to (${formatMoney(total)})`);
  if (saved.counts !== undefined) {
    if (saved.counts.quoted !== saved.items.length) throw new SavedResultError(path, 'counts.quoted', `${saved.counts.quoted} is not the number of its items (${saved.items.length})`);
    if (saved.counts.jobs !== jobCount) throw new SavedResultError(path, 'counts.jobs', `${saved.counts.jobs} is not what its items' counts add up to (${jobCount})`);
  }
  if (saved.subtotals !== undefined) {
    const seen = new Set<string>();
    saved.subtotals.forEach((subtotal, index) => {
      const key = `${subtotal.provider} ${subtotal.endpoint}`;
      const group = groups.get(key);
      if (group === undefined || seen.has(key)) throw new SavedResultError(path, `subtotals[${index}]`, `${subtotal.provider} ${subtotal.endpoint} is ${group === undefined ? 'not among its items' : 'listed twice'}`);
      seen.add(key);
      if (group.count !== subtotal.count) throw new SavedResultError(path, `subtotals[${index}].count`, `${subtotal.count} is not what its items' counts add up to (${group.count})`);
      if (!group.total.eq(subtotal.total)) throw new SavedResultError(path, `subtotals[${index}].total`, `"${subtotal.total}" is not what its items add up to (${formatMoney(group.total)})`);
    });
    for (const key of groups.keys()) {
      if (!seen.has(key)) throw new SavedResultError(path, 'subtotals', `has no subtotal for ${key}, which its items price`);
    }
  }
}

/**
 * Collects this run's priced lines as they stream past (a key and a running sum each: memory
 * grows with the number of distinct keys, not with the report), then compares them with the
 * saved result.
 */
export class PlanComparer {
  private readonly now = new Map<string, Tally>();

  private constructor(
    private readonly against: string,
    private readonly saved: { total: Decimal; byKey: Map<string, Tally> },
    private readonly maxIncrease: Decimal | undefined,
  ) {}

  /** Checks --max-increase and reads the saved result before any line is priced, so a bad one prints nothing. */
  static async start(path: string, maxIncrease: string | undefined, stdin: AsyncIterable<Buffer | string>): Promise<PlanComparer> {
    const max = parseMaxIncrease(maxIncrease);
    return new PlanComparer(path, await readSavedPlan(path, stdin), max);
  }

  add(line: number, id: string | number | undefined, jobs: number, total: string): void {
    addTo(this.now, keyOf(line, id), new Decimal(total), jobs);
  }

  /** `invalid` are this run's invalid lines: a saved key found only among them is "invalid", not "removed". */
  finish(total: string, invalid: readonly { line: number; id: string | number | undefined }[]): PlanComparison {
    const invalidKeys = new Set(invalid.map((error) => keyOf(error.line, error.id)));
    const changes: PlanChange[] = [];
    let unchanged = 0;
    for (const [key, tally] of this.now) {
      const was = this.saved.byKey.get(key);
      if (!was) changes.push({ change: 'added', key, new: side(tally), delta: signedMoney(tally.total) });
      else if (!was.total.eq(tally.total) || was.count !== tally.count) changes.push({ change: 'changed', key, old: side(was), new: side(tally), delta: signedMoney(tally.total.minus(was.total)) });
      else unchanged += 1;
    }
    for (const [key, was] of this.saved.byKey) {
      if (this.now.has(key)) continue;
      if (invalidKeys.has(key)) changes.push({ change: 'invalid', key, old: side(was) });
      else changes.push({ change: 'removed', key, old: side(was), delta: signedMoney(was.total.negated()) });
    }
    const delta = new Decimal(total).minus(this.saved.total);
    const check = this.maxIncrease === undefined ? undefined : {
      max: formatMoney(this.maxIncrease),
      within: delta.lte(this.maxIncrease),
      over: delta.lte(this.maxIncrease) ? undefined : formatMoney(delta.minus(this.maxIncrease)),
    };
    return {
      against: this.against, old: { total: formatMoney(this.saved.total) }, new: { total }, delta: signedMoney(delta), changes, unchanged, maxIncrease: check,
    };
  }
}
