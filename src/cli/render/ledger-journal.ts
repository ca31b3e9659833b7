import Table from 'cli-table3';
import type { JournalGroup, LedgerJournalReport, OutcomeTotal } from '../commands/ledger/ledger-report.js';
import { colours, type Colours } from './colour.js';
import { code, markdownGrid } from './ledger-markdown-grid.js';
import { ledgerName } from './ledger-name.js';
import { dollars, plural } from './text.js';
import { visibleView } from './visible-text.js';

export type LedgerJournalFormat = 'table' | 'json' | 'markdown';

const NOTE = 'Spent = committed + expired: a hold nobody settled counts as spent, since fal may have billed it.';
const HEAD = ['Committed', 'Expired', 'Released', 'Spent'];

const outcome = (total: OutcomeTotal) => `${total.count.toLocaleString('en-US')} · ${dollars(total.amount)}`;
const figures = (group: Omit<JournalGroup, 'endpoint'>) => [outcome(group.committed), outcome(group.expired), outcome(group.released), dollars(group.spent)];
const endpointText = (group: JournalGroup) => group.endpoint ?? '(no endpoint)';

function rangeText(report: LedgerJournalReport): string {
  const range = [report.since === null ? undefined : `since ${report.since}`, report.until === null ? undefined : `until ${report.until}`].filter(Boolean);
  return range.length === 0 ? 'all retained' : range.join(', ');
}

function headline(report: LedgerJournalReport, quote?: (text: string) => string): string {
  const span = report.first === null ? '' : `, settled ${report.first} to ${report.last}`;
  return `Journal of ledger ${ledgerName(report.ledger, quote)} (${rangeText(report)}): ${plural(report.entries, 'entry', 'entries')}${span}`;
}

function grid(head: string[]): Table.Table {
  return new Table({
    head, style: { head: [], border: [], compact: true },
    colAligns: [...head.slice(0, head.length - HEAD.length).map(() => 'left' as const), ...HEAD.map(() => 'right' as const)],
  });
}

function journalTable(report: LedgerJournalReport, c: Colours): string {
  const out = [c.bold(headline(report))];
  if (report.entries === 0) return `${out[0]}\n`;
  const days = grid(['Day (UTC)', 'Endpoint', ...HEAD]);
  for (const day of report.days) days.push([day.day, endpointText(day), ...figures(day)]);
  const endpoints = grid(['Endpoint', ...HEAD]);
  for (const group of report.endpoints) endpoints.push([endpointText(group), ...figures(group)]);
  endpoints.push([c.bold('Total (USD)'), ...figures(report.total).map((text, index) => (index === HEAD.length - 1 ? c.bold(text) : text))]);
  out.push('Per day and endpoint (USD):', days.toString(), 'Per endpoint:', endpoints.toString(), c.dim(`Each cell: holds · amount. ${NOTE}`));
  return `${out.join('\n')}\n`;
}

function journalMarkdown(report: LedgerJournalReport): string {
  const out = [`### ${headline(report, code)}`];
  if (report.entries === 0) return `${out[0]}\n`;
  const align = (lefts: number) => [...Array.from({ length: lefts }, () => 'left' as const), ...HEAD.map(() => 'right' as const)];
  out.push(markdownGrid(['Day (UTC)', 'Endpoint', ...HEAD], report.days.map((day) => [day.day, day.endpoint === null ? '(no endpoint)' : code(day.endpoint), ...figures(day)]), align(2)));
  const rows = report.endpoints.map((group) => [group.endpoint === null ? '(no endpoint)' : code(group.endpoint), ...figures(group)]);
  rows.push(['**Total (USD)**', ...figures(report.total).map((text, index) => (index === HEAD.length - 1 ? `**${text}**` : text))]);
  out.push(markdownGrid(['Endpoint', ...HEAD], rows, align(1)), `_Each cell: holds · amount (USD). ${NOTE}_`);
  return `${out.join('\n\n')}\n`;
}

/** The journal's summary in each format; JSON is the report itself, money as decimal strings. */
export function renderLedgerJournal(report: LedgerJournalReport, format: LedgerJournalFormat, options: { readonly colour: boolean }): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  // People read the rest: a name or id from the ledger cannot forge a line or a colour.
  report = visibleView(report);
  if (format === 'markdown') return journalMarkdown(report);
  return journalTable(report, colours(options.colour));
}
