import type { Readable } from 'node:stream';
import { quoteBatchEntry } from '../../core/batch.js';
import { jsonInputsHaveOwnFieldsOnly, type CoreQuoteOptions } from '../../core/quote.js';
import { requestModels } from '../../core/endpoints/index.js';
import { probeInlineMp4 } from '../../media/mp4-seconds.js';
import { checkBudget, parseMax } from '../budget-check.js';
import { CliError } from '../cli-error.js';
import { pricingContext, type PricingFlags } from '../pricing-context.js';
import { fileErrorReason, openInputStream } from '../read-input.js';
import { DEFAULT_MAX_LINE_BYTES, readLines } from '../read-lines.js';
import { plural } from '../render/text.js';
import type { BatchReport, BatchReportError, BatchReportItem, TableRef, WarningSummary } from '../report.js';
import { PlanComparer } from '../compare-plans.js';
import { BatchTally } from './batch-tally.js';

export interface BatchFlags extends PricingFlags {
  readonly file: string;
  readonly max?: string;
  readonly strict?: boolean;
  /** How many priced lines to list one by one (the rest are only added up). */
  readonly itemLimit: number;
  /**
   * How many invalid lines to keep whole for the report (default: every one). A table or
   * markdown report shows only the first 50 and counts the rest, so it keeps 50: a file of junk
   * lines then costs no memory per line. A --compare-to run keeps them all (it names each).
   */
  readonly invalidKept?: number;
  /** The longest line accepted, in bytes of UTF-8 (default DEFAULT_MAX_LINE_BYTES). */
  readonly maxLineBytes?: number;
  /** A saved `batch --json` result to compare with (compare-plans.ts), and the most the total may rise by. */
  readonly compareTo?: string;
  readonly maxIncrease?: string;
}

export interface BatchIo {
  readonly stdin: Readable;
  readonly now: () => Date;
  /**
   * Called with every listed line as it is quoted, so JSON output can stream without keeping
   * them; return a promise only when the caller must wait (its output is backed up).
   */
  readonly onItem?: (item: BatchReportItem) => void | Promise<void>;
}

/**
 * `fal-budget batch <file.jsonl|->`: quotes one request per line as the lines stream past.
 * Memory stays flat: totals are kept exactly per endpoint, but only the first `itemLimit`
 * priced lines (and the first `invalidKept` invalid lines) are kept for the report.
 */
export async function batchCommand(flags: BatchFlags, io: BatchIo): Promise<BatchReport> {
  const max = parseMax(flags.max);
  const { book, at, version } = pricingContext(flags, io.now);
  const options: Omit<CoreQuoteOptions, 'provider' | 'sourceSeconds'> = {
    // One instant for every line, as a number: the engine need not re-read a date per line.
    at: at.getTime(), version, strict: flags.strict, probeSource: probeInlineMp4,
    // Every input is JSON.parse's: own fields only, unless Object.prototype names a field.
    ownFieldsOnly: jsonInputsHaveOwnFieldsOnly(requestModels.values()),
  };
  const comparer = flags.compareTo === undefined ? undefined : await PlanComparer.start(flags.compareTo, flags.maxIncrease, io.stdin);
  const input = await openInputStream(flags.file, `batch ${flags.file}`, io.stdin);

  const tally = new BatchTally();
  const items: BatchReportItem[] = [];
  const errors: BatchReportError[] = [];
  const tables = new Map<string, TableRef>();
  const warnings = new Map<string, { code: WarningSummary['code']; count: number; firstLine: number; message: string }>();
  let lineNumber = 0;
  let blank = 0;
  let quoted = 0;
  let jobs = 0;
  let itemsOmitted = 0;
  let invalid = 0;
  const invalidKept = comparer === undefined ? flags.invalidKept ?? Infinity : Infinity;
  const reject = (error: BatchReportError): void => {
    invalid += 1;
    if (errors.length < invalidKept) errors.push(error);
  };

  /** Prices one line; returns a promise only when the item sink asks to wait. */
  const priceLine = (text: string): void | Promise<void> => {
    lineNumber += 1;
    // Only a line that starts with whitespace can be blank; trimming every line costs a copy.
    const first = text.charCodeAt(0);
    if (text.length === 0 || ((first === 32 || first === 9 || first === 13 || first === 0xfeff) && text.trim().length === 0)) {
      blank += 1;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      reject({ line: lineNumber, id: undefined, endpoint: undefined, code: 'malformed_json', message: `not valid JSON (${(error as Error).message})` });
      return;
    }
    const outcome = quoteBatchEntry(book, value, lineNumber - 1, options);
    if (!('quote' in outcome)) {
      const { index: _index, ...rest } = outcome;
      reject({ line: lineNumber, ...rest });
      return;
    }
    const { quote } = outcome;
    quoted += 1;
    jobs += outcome.count;
    tally.add(quote, outcome.count);
    comparer?.add(lineNumber, outcome.id, outcome.count, outcome.total);
    // Keyed by the table's hash, a string the quote already holds: no key is built per line.
    if (!tables.has(quote.pricing.sha256)) tables.set(quote.pricing.sha256, { provider: quote.pricing.provider, version: quote.pricing.version, sha256: quote.pricing.sha256 });
    for (const warning of quote.warnings) {
      const seen = warnings.get(warning.code);
      if (seen) seen.count += 1;
      else warnings.set(warning.code, { code: warning.code, count: 1, firstLine: lineNumber, message: warning.message });
    }
    if (quoted > flags.itemLimit) {
      itemsOmitted += 1;
      return;
    }
    // In the JSON's key order: render/batch-json-bytes.ts writes these keys in this order.
    const item: BatchReportItem = {
      line: lineNumber, id: outcome.id, endpoint: quote.endpoint, provider: quote.provider, pricingVersion: quote.pricing.version,
      count: outcome.count, total: outcome.total, upperBound: quote.upperBound, params: quote.params, lines: quote.lines, warnings: quote.warnings,
    };
    if (io.onItem) return io.onItem(item);
    items.push(item);
  };

  try {
    for await (const lines of readLines(input, flags.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, `batch ${flags.file}`)) {
      for (const text of lines) {
        const wait = priceLine(text);
        if (wait) await wait;
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof CliError || typeof code !== 'string' || !code.startsWith('E')) throw error;
    throw new CliError('unreadable_input', `batch ${flags.file}: read failed after line ${lineNumber} (${fileErrorReason(error)})`, { cause: error });
  } finally {
    if (input !== io.stdin) input.destroy();
  }

  const summary = tally.summary();
  const empty = quoted === 0 && invalid === 0;
  return {
    kind: 'batch',
    currency: 'USD',
    total: summary.total,
    upperBound: summary.upperBound,
    subtotals: summary.subtotals,
    counts: { lines: lineNumber, blank, quoted, invalid, jobs },
    items,
    itemsOmitted,
    errors,
    pricing: [...tables.values()],
    pricedAt: version === undefined ? at.toISOString() : undefined,
    warnings: [...warnings.values()],
    budget: checkBudget(summary.totalAmount, max),
    // Nothing to price is more likely a wrong file or an empty pipe than a plan that costs $0.
    emptyPlan: empty ? { code: 'empty_plan', message: `${flags.file === '-' ? 'stdin' : flags.file} has no requests (${lineNumber === 0 ? 'it is empty' : `${plural(lineNumber, 'line')}, all blank`}): nothing was quoted` } : undefined,
    comparison: comparer?.finish(summary.total, errors),
  };
}
