/** How a command's report is printed; its own module so commands and renderers need not import the parser. */
export type OutputFormat = 'table' | 'json' | 'markdown';

/** quote and batch also print CSV (src/cli/render/csv.ts); the other commands refuse it. */
export type ReportFormat = OutputFormat | 'csv';

export const CSV_COMMANDS: ReadonlySet<string> = new Set(['quote', 'batch']);
