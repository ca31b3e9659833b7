import type { DescribedField, DescribeReport } from '../commands/describe.js';
import type { OutputFormat } from '../output-format.js';
import type { PricesReport } from '../report.js';
import { renderMarkdown } from './markdown.js';
import { visibleView } from './visible-text.js';

// A long enum would widen every row: its values go to the description instead.
const LONG_ENUM = 24;
const enumText = (field: DescribedField) => field.options!.join(' | ');
const typeText = (field: DescribedField) => (!field.options ? field.type : enumText(field).length <= LONG_ENUM ? enumText(field) : `enum (${field.options.length} values)`);
const descriptionText = (field: DescribedField) => (field.options && enumText(field).length > LONG_ENUM ? `${field.description}; one of ${field.options.join(', ')}` : field.description);
const flagText = (field: DescribedField) => (field.flag === undefined ? `--set ${field.name}=…` : `--${field.flag}`);
const defaultText = (field: DescribedField) => (field.default === undefined ? '' : String(field.default));
const requiredText = (field: DescribedField) => (!field.required ? '' : field.priced ? 'yes' : 'yes (not to quote)');

function fieldRows(report: DescribeReport): string[][] {
  return report.fields.map((field) => [field.name, typeText(field), defaultText(field), field.priced ? 'yes' : '', requiredText(field), flagText(field), descriptionText(field)]);
}

const HEAD = ['Field', 'Type', 'Default', 'Sets price', 'Required', 'Flag', 'Description'];

/** Columns padded to their widest cell; the last (the description) runs on. */
function columns(rows: readonly (readonly string[])[]): string {
  const widths = HEAD.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  return rows.map((row) => `  ${row.map((text, index) => (index === row.length - 1 ? text : text.padEnd(widths[index]!))).join('  ')}`.trimEnd()).join('\n');
}

function billedText(report: DescribeReport): string {
  const source = report.source ? `: give the source's length with --source-seconds or --source (it stands in for ${report.source.replaces})` : '';
  return `priced ${report.billing.label}${source}`;
}

function ruleLines(report: DescribeReport, bullet: string): string[] {
  if (report.rules.length === 0) return [`${bullet}none across fields`];
  return report.rules.map((rule) => `${bullet}${rule.message}${rule.strictOnly ? ' (checked with --strict)' : ''}`);
}

/** The rate card, as `prices <endpoint>` draws it. */
function cardReport(report: DescribeReport): PricesReport {
  return { kind: 'prices', currency: report.currency, at: report.at, version: report.version, cards: [report.rateCard], notInEffect: [] };
}

function describeText(report: DescribeReport, card: string): string {
  const out = [
    `${report.endpoint} (${report.provider}): ${billedText(report)}; request model ${report.request}`,
    '',
    'Fields:',
    columns([HEAD, ...fieldRows(report)]),
  ];
  if (report.ignoredFields.length > 0) out.push('', 'Accepted and ignored:', ...report.ignoredFields.map(({ name, reason }) => `  ${name}: ${reason}`));
  out.push('', 'Rules:', ...ruleLines(report, '  - '), '', card);
  return `${out.join('\n').trimEnd()}\n`;
}

const md = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

function describeMarkdown(report: DescribeReport): string {
  const rows = fieldRows(report).map((row) => row.map((text, index) => (index === 0 || index === 5 ? (text === '' ? '' : `\`${text}\``) : md(text))));
  const out = [
    `### \`${report.endpoint}\` (${report.provider})`,
    `${md(billedText(report))}; request model \`${report.request}\``,
    [`| ${HEAD.join(' | ')} |`, `| ${HEAD.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n'),
  ];
  if (report.ignoredFields.length > 0) out.push(report.ignoredFields.map(({ name, reason }) => `- \`${name}\` is accepted and ignored: ${md(reason)}`).join('\n'));
  out.push(`Rules:\n\n${ruleLines(report, '- ').join('\n')}`, renderMarkdown(cardReport(report)).trimEnd());
  return `${out.join('\n\n')}\n`;
}

/** `describe` in every format; `--json` is the report's data as it is (see DescribeReport). */
export async function renderDescribe(report: DescribeReport, format: OutputFormat, colour: boolean): Promise<string> {
  if (format === 'json') {
    const { kind: _kind, ...data } = report;
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  // A table of your own names its endpoints: the human formats show them visible().
  const shown = visibleView(report);
  if (format === 'markdown') return describeMarkdown(shown);
  // cli-table3 is loaded only when a table is drawn.
  const { renderTable } = await import('./table.js');
  return describeText(shown, renderTable(cardReport(shown), { colour }));
}
