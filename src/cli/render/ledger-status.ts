import Table from 'cli-table3';
import type { LedgerStatusReport } from '../commands/ledger/ledger-report.js';
import { colours, type Colours } from './colour.js';
import { usageBar, type UsageBar } from './ledger-bar.js';
import { code, markdownGrid } from './ledger-markdown-grid.js';
import { ledgerName } from './ledger-name.js';
import { dollars } from './text.js';
import { visibleView } from './visible-text.js';

export type LedgerStatusFormat = 'table' | 'json' | 'markdown';

const LEGEND = '█ spent  ▒ reserved  · free; used = (spent + reserved) / limit, rounded down to 0.1%';

function paint(c: Colours, usage: UsageBar, text: string): string {
  return usage.level === 'full' ? c.red(text) : usage.level === 'high' ? c.yellow(text) : c.green(text);
}

function statusTable(report: LedgerStatusReport, c: Colours): string {
  const out = [c.bold(`Ledger ${ledgerName(report.ledger)}, as of ${report.at} (USD)`)];
  if (report.keys.length === 0) return `${out[0]}\nNo budget keys: nothing has been reserved in this ledger.\n`;
  const table = new Table({
    head: ['Budget key', 'Limit', 'Spent', 'Reserved', 'Remaining', 'Open holds', 'Used', 'Window ends'],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
  });
  for (const key of report.keys) {
    const usage = key.limit === null ? undefined : usageBar(key.spent, key.reserved, key.limit);
    table.push([
      key.key,
      key.limit === null ? c.dim('none recorded') : dollars(key.limit),
      dollars(key.spent),
      dollars(key.reserved),
      key.remaining === null ? '' : dollars(key.remaining),
      String(key.openHolds),
      usage === undefined ? '' : paint(c, usage, `${usage.bar} ${usage.percent.padStart(6)}`),
      key.windowEndsAt ?? '',
    ]);
  }
  out.push(table.toString(), c.dim(LEGEND));
  return `${out.join('\n')}\n`;
}

function statusMarkdown(report: LedgerStatusReport): string {
  const title = `### Ledger ${ledgerName(report.ledger, code)}, as of ${report.at} (USD)`;
  if (report.keys.length === 0) return `${title}\n\nNo budget keys: nothing has been reserved in this ledger.\n`;
  const rows = report.keys.map((key) => [
    code(key.key),
    key.limit === null ? '—' : dollars(key.limit),
    dollars(key.spent),
    dollars(key.reserved),
    key.remaining === null ? '—' : dollars(key.remaining),
    String(key.openHolds),
    key.limit === null ? '—' : usageBar(key.spent, key.reserved, key.limit).percent,
    key.windowEndsAt ?? '',
  ]);
  const grid = markdownGrid(
    ['Budget key', 'Limit', 'Spent', 'Reserved', 'Remaining', 'Open holds', 'Used', 'Window ends'], rows,
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
  return `${title}\n\n${grid}\n\n_Used = (spent + reserved) / limit, rounded down to 0.1%. — = no limit recorded._\n`;
}

/** `fal-budget ledger status` in each format. JSON is the report itself: money as decimal strings. */
export function renderLedgerStatus(report: LedgerStatusReport, format: LedgerStatusFormat, options: { readonly colour: boolean }): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  // People read the rest: a name or id from the ledger cannot forge a line or a colour.
  report = visibleView(report);
  if (format === 'markdown') return statusMarkdown(report);
  return statusTable(report, colours(options.colour));
}
