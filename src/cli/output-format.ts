/** How a command's report is printed; its own module so commands and renderers need not import the parser. */
export type OutputFormat = 'table' | 'json' | 'markdown';
