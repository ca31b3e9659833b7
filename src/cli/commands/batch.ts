import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { BatchTotals, quoteBatchEntry } from '../../core/batch.js';
import type { CoreQuoteOptions } from '../../core/quote.js';
import { probeInlineMp4 } from '../../media/mp4-seconds.js';
import { checkBudget, parseMax } from '../budget-check.js';
import { CliError } from '../cli-error.js';
import { pricingContext, type PricingFlags } from '../pricing-context.js';
import { fileErrorReason } from '../read-input.js';
import type { BatchReport, BatchReportError, BatchReportItem, TableRef, WarningSummary } from '../report.js';

export interface BatchFlags extends PricingFlags {
  readonly file: string;
  readonly max?: string;
  readonly strict?: boolean;
  /** How many priced lines to list one by one (the rest are only added up). */
  readonly itemLimit: number;
}

export interface BatchIo {
  readonly stdin: Readable;
  readonly now: () => Date;
  /** Called with every priced line as it is quoted, so JSON output can stream without keeping them. */
  readonly onItem?: (item: BatchReportItem) => void | Promise<void>;
}

async function openInput(path: string, stdin: Readable): Promise<Readable> {
  if (path === '-') return stdin;
  let handle;
  try {
    handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    await handle?.close();
    throw new CliError('unreadable_input', `batch ${path}: cannot read (${fileErrorReason(error)})`, { cause: error });
  }
  return handle.createReadStream();
}

/**
 * `fal-budget batch <file.jsonl|->`: quotes one request per line as the lines stream past.
 * Memory stays flat: totals are kept exactly per endpoint, but only the first `itemLimit`
 * priced lines (and every invalid line) are kept for the report.
 */
export async function batchCommand(flags: BatchFlags, io: BatchIo): Promise<BatchReport> {
  const max = parseMax(flags.max);
  const { book, at, version } = pricingContext(flags, io.now);
  const options: Omit<CoreQuoteOptions, 'provider' | 'sourceSeconds'> = {
    // One instant for every line, as a number: the engine need not re-read a date per line.
    at: at.getTime(), version, strict: flags.strict, probeSource: probeInlineMp4,
  };
  const input = await openInput(flags.file, io.stdin);

  const totals = new BatchTotals();
  const items: BatchReportItem[] = [];
  const errors: BatchReportError[] = [];
  const tables = new Map<string, TableRef>();
  const warnings = new Map<string, { code: WarningSummary['code']; count: number; firstLine: number; message: string }>();
  let lineNumber = 0;
  let blank = 0;
  let quoted = 0;
  let itemsOmitted = 0;

  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (text.trim().length === 0) {
        blank += 1;
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        errors.push({ line: lineNumber, id: undefined, endpoint: undefined, code: 'malformed_json', message: `not valid JSON (${(error as Error).message})` });
        continue;
      }
      const outcome = quoteBatchEntry(book, value, lineNumber - 1, options);
      if (!('quote' in outcome)) {
        const { index: _index, ...rest } = outcome;
        errors.push({ line: lineNumber, ...rest });
        continue;
      }
      const { quote } = outcome;
      quoted += 1;
      totals.add(quote);
      const tableKey = `${quote.pricing.provider}/${quote.pricing.version}`;
      if (!tables.has(tableKey)) tables.set(tableKey, { provider: quote.pricing.provider, version: quote.pricing.version, sha256: quote.pricing.sha256 });
      for (const warning of quote.warnings) {
        const seen = warnings.get(warning.code);
        if (seen) seen.count += 1;
        else warnings.set(warning.code, { code: warning.code, count: 1, firstLine: lineNumber, message: warning.message });
      }
      if (quoted > flags.itemLimit) {
        itemsOmitted += 1;
        continue;
      }
      const item: BatchReportItem = {
        line: lineNumber, id: outcome.id, endpoint: quote.endpoint, provider: quote.provider, pricingVersion: quote.pricing.version,
        total: quote.total, upperBound: quote.upperBound, params: quote.params, lines: quote.lines, warnings: quote.warnings,
      };
      if (io.onItem) await io.onItem(item);
      else items.push(item);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new CliError('unreadable_input', `batch ${flags.file}: read failed at line ${lineNumber + 1} (${fileErrorReason(error)})`, { cause: error });
  } finally {
    lines.close();
  }

  const summary = totals.summary();
  return {
    kind: 'batch',
    currency: 'USD',
    total: summary.total,
    upperBound: summary.upperBound,
    subtotals: summary.subtotals,
    counts: { lines: lineNumber, blank, quoted, invalid: errors.length },
    items,
    itemsOmitted,
    errors,
    pricing: [...tables.values()],
    pricedAt: version === undefined ? at.toISOString() : undefined,
    warnings: [...warnings.values()],
    budget: checkBudget(totals.totalAmount, max),
  };
}
