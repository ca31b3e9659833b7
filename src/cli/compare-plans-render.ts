import Table from 'cli-table3';
import type { PlanChange, PlanComparison } from './compare-plans.js';
import { colours } from './render/colour.js';
import { dollars, groupThousands, plural } from './render/text.js';

/*
 * The comparison section printed under a batch report (table, markdown); JSON carries the
 * comparison as data and CSV prints it as rows (render/csv.ts).
 */

// Human formats group money by thousands, as the batch report above them does.
const money = (amount: string | undefined) => (amount === undefined ? '' : dollars(amount));

/** "2 × $8.64 → 3 × ..." is too much for a cell: the jobs show only when there is more than one. */
function sideText(side: PlanChange['old']): string {
  if (!side) return '';
  return side.count === 1 ? money(side.total) : `${money(side.total)} (${side.count.toLocaleString('en-US')} jobs)`;
}

function heading(comparison: PlanComparison): string {
  return `Compared with ${comparison.against}: ${money(comparison.old.total)} → ${money(comparison.new.total)} (${groupThousands(comparison.delta)}); ${plural(comparison.changes.length, 'line id')} changed, ${comparison.unchanged.toLocaleString('en-US')} unchanged`;
}

function maxIncreaseText(comparison: PlanComparison): string | undefined {
  const check = comparison.maxIncrease;
  if (!check) return undefined;
  return check.within ? `within --max-increase ${dollars(check.max)}` : `OVER --max-increase ${dollars(check.max)} by ${dollars(check.over!)}`;
}

const changeLabel = (change: PlanChange) => (change.change === 'invalid' ? 'invalid now' : change.change);

export function renderComparisonTable(comparison: PlanComparison, colour: boolean): string {
  const c = colours(colour);
  const out = [c.bold(heading(comparison))];
  if (comparison.changes.length > 0) {
    const grid = new Table({ head: ['Change', 'Line id', 'Old', 'New', 'Delta'], style: { head: [], border: [], compact: true }, colAligns: ['left', 'left', 'right', 'right', 'right'] });
    for (const change of comparison.changes) {
      const paint = change.delta === undefined ? c.yellow : change.delta.startsWith('-') ? c.green : c.red;
      grid.push([changeLabel(change), change.key, sideText(change.old), sideText(change.new), paint(change.delta === undefined ? '?' : groupThousands(change.delta))]);
    }
    grid.push([c.bold('Total (USD)'), '', money(comparison.old.total), money(comparison.new.total), c.bold(groupThousands(comparison.delta))]);
    out.push(grid.toString());
  }
  const check = maxIncreaseText(comparison);
  if (check) out.push(`Increase: ${comparison.maxIncrease!.within ? c.green(check) : c.red(check)}`);
  return `${out.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function renderComparisonMarkdown(comparison: PlanComparison): string {
  const out = [`**${cell(heading(comparison))}**`];
  if (comparison.changes.length > 0) {
    const rows = comparison.changes.map((change) => [changeLabel(change), change.key, sideText(change.old), sideText(change.new), change.delta === undefined ? '?' : groupThousands(change.delta)]);
    rows.push(['**Total (USD)**', '', money(comparison.old.total), money(comparison.new.total), `**${groupThousands(comparison.delta)}**`]);
    out.push([
      '| Change | Line id | Old | New | Delta |',
      '| --- | --- | ---: | ---: | ---: |',
      ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    ].join('\n'));
  }
  const check = maxIncreaseText(comparison);
  if (check) out.push(`Increase: ${comparison.maxIncrease!.within ? check : `**${check}**`}`);
  return `${out.join('\n\n')}\n`;
}
