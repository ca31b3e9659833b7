import type { ReconcileReport } from '../commands/reconcile/reconcile-report.js';
import type { OutputFormat } from '../output-format.js';
import { renderReconcileMarkdown } from './reconcile-markdown.js';

/** `reconcile` in the format asked for; JSON is the report's data, every request in it. */
export async function renderReconcile(report: ReconcileReport, format: OutputFormat, colour: boolean): Promise<string> {
  if (format === 'markdown') return renderReconcileMarkdown(report);
  if (format === 'json') {
    const { kind: _kind, ...data } = report;
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  // cli-table3 is loaded only when a table is drawn.
  return (await import('./reconcile-table.js')).renderReconcileTable(report, { colour });
}
