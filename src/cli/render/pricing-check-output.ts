import Table from 'cli-table3';
import type { PricingCheckReport } from '../commands/pricing-check/pricing-check-report.js';
import type { OutputFormat } from '../output-format.js';
import { colours } from './colour.js';
import { visibleView } from './visible-text.js';
import { draftLines, falSide, headline, statusText, tableSide } from './pricing-check-text.js';

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

function table(report: PricingCheckReport, colour: boolean): string {
  const c = colours(colour);
  const grid = new Table({ head: ['Endpoint', 'Status', 'Base cell', 'Table', 'fal', 'Note'], style: { head: [], border: [], compact: true } });
  for (const row of report.endpoints) {
    const status = statusText(row);
    const toned = row.status === 'unchanged' ? c.green(status) : row.status === 'changed' ? c.red(status) : c.yellow(status);
    grid.push([row.endpoint, toned, row.cell ?? '—', tableSide(row), falSide(row), row.reason ?? '']);
  }
  return `${[c.bold(headline(report)), grid.toString(), ...draftLines(report)].join('\n')}\n`;
}

function markdown(report: PricingCheckReport): string {
  const rows = report.endpoints.map((row) => [`\`${row.endpoint}\``, row.status === 'changed' ? `**${statusText(row)}**` : statusText(row), row.cell ?? '—', tableSide(row), falSide(row), row.reason ?? '']);
  const grid = [['Endpoint', 'Status', 'Base cell', 'Table', 'fal', 'Note'], ['---', '---', '---', '---:', '---:', '---'], ...rows]
    .map((row, index) => `| ${(index === 1 ? row : row.map(cell)).join(' | ')} |`).join('\n');
  // The draft's first line, then its refused cells as a list.
  const [draftHead, ...refused] = draftLines(report);
  const draft = draftHead === undefined ? [] : [[draftHead, ...refused.map((line) => `- ${cell(line.trim())}`)].join('\n')];
  return `${[`### ${headline(report)}`, grid, ...draft].join('\n\n')}\n`;
}

/** `pricing check` in the format asked for; JSON is the report's data. */
export function renderPricingCheck(report: PricingCheckReport, format: OutputFormat, colour: boolean): string {
  if (format === 'markdown') return markdown(visibleView(report));
  if (format === 'json') {
    const { kind: _kind, ...data } = report;
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  return table(visibleView(report), colour);
}
