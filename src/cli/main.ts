import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { FalBudgetError, LedgerUnavailableError } from '../core/errors/index.js';
import { batchCommand } from './commands/batch.js';
import type { DescribeReport } from './commands/describe.js';
import type { LedgerInvocation } from './commands/ledger/ledger-flags.js';
import { pricesCommand } from './commands/prices.js';
import { quoteCommand } from './commands/quote.js';
import type { ReconcileReport } from './commands/reconcile/reconcile-report.js';
import type { PricingCheckReport } from './commands/pricing-check/pricing-check-report.js';
import { versionsCommand } from './commands/versions.js';
import type { ReportFormat } from './output-format.js';
import { withConfigDefaults } from './config-file-defaults.js';
import { failureMessage } from './failure-message.js';
import { parseCommandLine, type Invocation } from './parser.js';
import { colourEnabled } from './render/colour.js';
import { csvBatchHead, csvBatchItem, csvBatchTail, renderBatchCsv, renderQuoteCsv } from './render/csv.js';
import { jsonBatchTail, renderJson } from './render/json.js';
import { BatchJsonBytes } from './render/batch-json-bytes.js';
import { BatchItemRows } from './render/batch-items.js';
import { batchMarkdownPieces, renderMarkdown } from './render/markdown.js';
import { pricingCheckNotes } from './render/pricing-check-text.js';
import type { BatchReportItem, Report as CoreReport } from './report.js';
import { outputWriter } from './write-output.js';
import { visible, visibleView } from './render/visible-text.js';
import { dollars, ERRORS_SHOWN } from './render/text.js';

/** Every command's report: the pricing commands' (report.ts), and those that ask fal's platform API. */
type Report = CoreReport | ReconcileReport | PricingCheckReport | DescribeReport;

/** Set by the bundler from package.json; read from it when running unbundled. */
declare const FAL_BUDGET_VERSION: string | undefined;

function packageVersion(): string {
  if (typeof FAL_BUDGET_VERSION === 'string') return FAL_BUDGET_VERSION;
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export interface MainIo {
  readonly stdin: Readable;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  /** Where the config file search starts (default: the process's working directory). */
  readonly cwd?: string;
}

/** `changed` (diff --exit-code) is 3, as pricing check's changed price: 1 is a bug here, not git's "differs". */
export const EXIT = { ok: 0, bug: 1, invalid: 2, overBudget: 3, changed: 3, ledgerUnavailable: 4 } as const;

/** How a batch streams as CSV: a head, one piece per priced line, a tail. */
const BATCH_CSV_STREAM = { head: csvBatchHead, item: csvBatchItem, tail: csvBatchTail } as const;

/** Runs the command. A batch and reconcile --json write as they go (JSON items stream); everything else returns data first. */
async function run(invocation: Exclude<Invocation, LedgerInvocation>, io: MainIo, write: (text: string | Uint8Array) => Promise<void>): Promise<{ report: Report; written: boolean }> {
  switch (invocation.command) {
    case 'quote': return { report: await quoteCommand(invocation.flags, io), written: false };
    case 'prices': return { report: pricesCommand(invocation.flags, io.now), written: false };
    case 'versions': return { report: versionsCommand(invocation.flags, io.now), written: false };
    // diff, validate, reconcile and pricing check are loaded only when used, like ledger and
    // describe: their modules (the platform client, proper-lockfile, node:crypto) stay out of a
    // quote's start-up.
    case 'diff': return { report: await (await import('./commands/diff.js')).diffCommand(invocation.flags, io.now), written: false };
    case 'validate': return { report: (await import('./commands/validate.js')).validateCommand(invocation.flags), written: false };
    case 'reconcile': {
      const report = await (await import('./commands/reconcile/reconcile-command.js')).reconcileCommand(invocation.flags, io);
      if (invocation.format !== 'json') return { report, written: false };
      // Piece by piece: a report of millions of requests is more than one string can hold.
      const { reconcileJsonPieces } = await import('./render/reconcile-json.js');
      for (const piece of reconcileJsonPieces(report)) await write(piece);
      return { report, written: true };
    }
    case 'pricing-check': return { report: await (await import('./commands/pricing-check/pricing-check-command.js')).pricingCheckCommand(invocation.flags, io), written: false };
    // Loaded only when used, like ledger: the bin's start-up stays what quote needs.
    case 'describe': return { report: (await import('./commands/describe.js')).describeCommand(invocation.flags, io.now), written: false };
    case 'batch': {
      if (invocation.format === 'json') {
        // Every line streams, encoded straight to bytes a chunk at a time: no promise per line.
        // Nothing is written until the first line is priced: a batch that cannot start leaves stdout empty.
        const json = new BatchJsonBytes();
        const onItem = (item: BatchReportItem): void | Promise<void> => {
          json.add(item);
          if (json.ready) return write(json.take());
        };
        const report = await batchCommand(invocation.flags, { ...io, onItem });
        await write(json.finish());
        await write(jsonBatchTail(report));
        return { report, written: true };
      }
      // A comparison's CSV is its own rows, printed at the end.
      const stream = invocation.format === 'csv' && invocation.flags.compareTo === undefined ? BATCH_CSV_STREAM : undefined;
      if (!stream && invocation.format === 'csv') return { report: await batchCommand(invocation.flags, io), written: false };
      if (!stream) {
        // Listed lines are kept as rows of text, not as quotes, and written out a piece at a time.
        const listed = new BatchItemRows();
        // A table or markdown shows the first ERRORS_SHOWN invalid lines: keep no more.
        const report = await batchCommand({ ...invocation.flags, invalidKept: ERRORS_SHOWN }, { ...io, onItem: listed.add });
        const colour = colourEnabled(io.stdout.isTTY === true, io.env);
        const markdown = invocation.format === 'markdown';
        const pieces = markdown ? batchMarkdownPieces(report, listed) : (await import('./render/table.js')).batchTablePieces(report, listed, { colour });
        for (const piece of pieces) await write(piece);
        if (report.comparison) {
          const { renderComparisonMarkdown, renderComparisonTable } = await import('./compare-plans-render.js');
          // Line ids are the user's: shown visible() like the rest of the report.
          const comparison = visibleView(report.comparison);
          await write(markdown ? `\n${renderComparisonMarkdown(comparison)}` : renderComparisonTable(comparison, colour));
        }
        return { report, written: true };
      }
      // Nothing is written until the first line is priced: a batch that cannot start leaves stdout empty.
      let buffered = '';
      let count = 0;
      // Synchronous unless 64 KB are ready to go out: no promise per line.
      const onItem = (item: BatchReportItem): void | Promise<void> => {
        buffered += (count === 0 ? stream.head() : '') + stream.item(item);
        count += 1;
        if (buffered.length < 1 << 16) return;
        const text = buffered;
        buffered = '';
        return write(text);
      };
      const report = await batchCommand(invocation.flags, { ...io, onItem });
      await write(`${count === 0 ? stream.head() : ''}${buffered}${stream.tail(report)}`);
      return { report, written: true };
    }
  }
}

async function render(report: Report, format: ReportFormat, colour: boolean): Promise<string> {
  if (format === 'csv') {
    // The parser lets csv through for quote and batch only.
    if (report.kind === 'quote') return renderQuoteCsv(report);
    if (report.kind === 'batch') return renderBatchCsv(report);
    throw new Error(`no CSV for ${report.kind}`);
  }
  if (report.kind === 'reconcile') return (await import('./render/reconcile-output.js')).renderReconcile(report, format, colour);
  if (report.kind === 'pricing-check') return (await import('./render/pricing-check-output.js')).renderPricingCheck(report, format, colour);
  if (report.kind === 'describe') return (await import('./render/describe.js')).renderDescribe(report, format, colour);
  if (format === 'json') return renderJson(report);
  const comparison = report.kind === 'batch' ? report.comparison : undefined;
  if (format === 'markdown') {
    const text = renderMarkdown(report);
    return comparison ? `${text}\n${(await import('./compare-plans-render.js')).renderComparisonMarkdown(comparison)}` : text;
  }
  // cli-table3 is loaded only when a table is drawn.
  const { renderTable } = await import('./render/table.js');
  const text = renderTable(report, { colour });
  return comparison ? `${text}${(await import('./compare-plans-render.js')).renderComparisonTable(comparison, colour)}` : text;
}

/** The exit code a finished report earns; see the README's exit code table. */
export function exitCodeOf(report: Report): number {
  switch (report.kind) {
    case 'quote': return report.budget && !report.budget.within ? EXIT.overBudget : EXIT.ok;
    // Over --max is certain even with invalid lines (they could only add); otherwise invalid lines mean an incomplete total.
    // Over --max-increase is certain the same way: an invalid line could only have added more.
    case 'batch': return (report.budget && !report.budget.within) || (report.comparison?.maxIncrease && !report.comparison.maxIncrease.within) ? EXIT.overBudget
      : report.counts.invalid > 0 || report.emptyPlan ? EXIT.invalid : EXIT.ok;
    case 'validate': return report.valid ? EXIT.ok : EXIT.invalid;
    case 'reconcile': return report.counts.under_quoted > 0 ? EXIT.overBudget : EXIT.ok;
    // A check that could not compare every endpoint is incomplete, not a pass.
    case 'pricing-check': return report.counts.changed > 0 ? EXIT.overBudget : report.counts.unknown_unit + report.counts.missing > 0 ? EXIT.invalid : EXIT.ok;
    default: return EXIT.ok;
  }
}

/** The one-line note on stderr that goes with a non-zero exit after a printed report. */
function stderrNote(report: Report): string | undefined {
  const notes: string[] = [];
  if ((report.kind === 'quote' || report.kind === 'batch') && report.budget && !report.budget.within) {
    const total = report.kind === 'quote' ? report.quote.total : report.total;
    notes.push(`total ${dollars(total)} is over --max ${dollars(report.budget.max)} by ${dollars(report.budget.over!)}`);
  }
  if (report.kind === 'batch' && report.comparison?.maxIncrease && !report.comparison.maxIncrease.within) {
    notes.push(`total went up by ${dollars(report.comparison.delta.slice(1))}, over --max-increase ${dollars(report.comparison.maxIncrease.max)} by ${dollars(report.comparison.maxIncrease.over!)}`);
  }
  if (report.kind === 'batch' && report.emptyPlan) notes.push(`warning: ${report.emptyPlan.message}`);
  if (report.kind === 'batch' && report.counts.invalid > 0) {
    const first = report.errors[0]!;
    notes.push(`${report.counts.invalid} invalid line${report.counts.invalid === 1 ? '' : 's'} left out of the total (first: line ${first.line}: ${first.message})`);
  }
  if (report.kind === 'validate' && !report.valid) notes.push(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${report.path}`);
  if (report.kind === 'pricing-check') notes.push(...pricingCheckNotes(report));
  if (report.kind === 'reconcile' && report.counts.under_quoted > 0) notes.push(`${report.counts.under_quoted} request${report.counts.under_quoted === 1 ? ' was' : 's were'} quoted below what fal billed (fal billed $${report.grandTotal.categories.under_quoted.billed}, the ledger counted $${report.grandTotal.categories.under_quoted.counted})`);
  return notes.length === 0 ? undefined : notes.join('; ');
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ');

/**
 * The CLI: parse, run, render, and choose the exit code. The only place that decides one.
 * 0 quoted (within --max) · 3 over --max · 2 anything the caller can fix · 4 a ledger that cannot
 * be reached, read or trusted (`fal-budget ledger`) · 1 a bug.
 */
export async function main(args: readonly string[], io: MainIo): Promise<number> {
  const out = outputWriter(io.stdout, 'stdout');
  // Made on the first line for stderr: a quote that prints none never opens process.stderr.
  let stderrWriter: ReturnType<typeof outputWriter> | undefined;
  const toStderr = (text: string) => (stderrWriter ??= outputWriter(io.stderr, 'stderr'))(text);
  // Nowhere is left to report a stderr that cannot be written: the exit code still says it.
  const errors = (text: string) => toStderr(text).catch(() => {});
  const err = (line: string) => errors(`fal-budget: ${visible(oneLine(line))}\n`);
  const parsed = parseCommandLine(args, packageVersion());
  if (parsed.kind === 'show') {
    try {
      await out(`${parsed.text}\n`);
      await out.flushed();
    } catch (error) {
      await err((error as Error).message);
      return EXIT.invalid;
    }
    return EXIT.ok;
  }
  if (parsed.kind === 'usage') {
    await err(`${parsed.message} (see fal-budget --help)`);
    return EXIT.invalid;
  }
  try {
    const { invocation, applied } = withConfigDefaults(parsed.invocation, io.cwd ?? process.cwd());
    // Before anything runs: a config file in a parent directory changes prices and budgets.
    if (applied !== undefined) await err(applied);
    if (invocation.command === 'ledger') {
      // Loaded only when used: the Redis client stays out of every other command's start-up.
      const { ledgerCommand } = await import('./commands/ledger/ledger-command.js');
      await ledgerCommand(invocation, { now: io.now, write: out, colour: colourEnabled(io.stdout.isTTY === true, io.env) });
      await out.flushed();
      return EXIT.ok;
    }
    const { report, written } = await run(invocation, io, out);
    if (!written) await out(await render(report, invocation.format, colourEnabled(io.stdout.isTTY === true, io.env)));
    await out.flushed();
    const note = stderrNote(report);
    if (note) await err(note);
    if (invocation.command === 'diff' && invocation.flags.exitCode && report.kind === 'diff') return (await import('./commands/diff.js')).tablesDiffer(report) ? EXIT.changed : EXIT.ok;
    return exitCodeOf(report);
  } catch (error) {
    if (error instanceof LedgerUnavailableError) {
      await err(error.message);
      return EXIT.ledgerUnavailable;
    }
    if (error instanceof FalBudgetError) {
      await err(failureMessage(error));
      return EXIT.invalid;
    }
    await errors(`fal-budget: internal error (this is a bug; please report it):\n${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.bug;
  }
}

// stdin and stderr are read when first used: opening either (a file, pipe or terminal stream)
// costs a command that never reads or warns a part of its start-up.
main(process.argv.slice(2), {
  get stdin() { return process.stdin; },
  stdout: process.stdout,
  get stderr() { return process.stderr; },
  env: process.env,
  now: () => new Date(),
})
  .then(
    (code) => {
      process.exitCode = code;
    },
    // main() turns every failure into an exit code; one that escapes it (stderr itself failing) is a bug.
    (error: unknown) => {
      process.exitCode = EXIT.bug;
      console.error(error);
    },
  );
