import type { ReconcileReport } from '../commands/reconcile/reconcile-report.js';
import type { OutputFormat } from '../output-format.js';
import { reconcileJsonPieces } from './reconcile-json.js';
import { renderReconcileMarkdown } from './reconcile-markdown.js';
import { visibleView } from './visible-text.js';

/** `reconcile` in the format asked for; JSON is the report's data, every request in it. */
export async function renderReconcile(report: ReconcileReport, format: OutputFormat, colour: boolean): Promise<string> {
  if (format === 'markdown') return renderReconcileMarkdown(visibleView(report));
  // main streams --json (reconcileJsonPieces); joined here for a caller that wants one string.
  if (format === 'json') return [...reconcileJsonPieces(report)].join('');
  // cli-table3 is loaded only when a table is drawn.
  return (await import('./reconcile-table.js')).renderReconcileTable(visibleView(report), { colour });
}
