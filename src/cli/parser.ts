import yargs, { type Argv, type Options } from 'yargs';
import type { BatchFlags } from './commands/batch.js';
import type { DescribeFlags } from './commands/describe.js';
import { ledgerCommandLine, ledgerInvocation } from './commands/ledger/ledger-command-line.js';
import type { LedgerInvocation } from './commands/ledger/ledger-flags.js';
import type { DiffFlags } from './commands/diff.js';
import type { PricesFlags } from './commands/prices.js';
import type { QuoteFlags } from './commands/quote.js';
import { FIELD_FLAGS } from './commands/request-from-flags.js';
import type { ReconcileFlags } from './commands/reconcile/reconcile-command.js';
import { reconcileFlagsOf, reconcileOptions } from './commands/reconcile/reconcile-flags.js';
import type { PricingCheckFlags } from './commands/pricing-check/pricing-check-command.js';
import { pricingCheckFlagsOf, pricingCheckOptions } from './commands/pricing-check/pricing-check-flags.js';
import { unknownName } from './unknown-name.js';
import { CSV_COMMANDS, type OutputFormat, type ReportFormat } from './output-format.js';
import type { PricingFlags } from './pricing-context.js';

/** How many priced lines a batch table or markdown report lists by default. */
const DEFAULT_TABLE_ITEMS = 20;

/** What the command line asked for, before anything is read or priced. */
export type Invocation =
  | { readonly command: 'quote'; readonly flags: QuoteFlags; readonly format: ReportFormat }
  | { readonly command: 'batch'; readonly flags: BatchFlags; readonly format: ReportFormat }
  | { readonly command: 'prices'; readonly flags: PricesFlags; readonly format: OutputFormat }
  | { readonly command: 'versions'; readonly flags: Omit<PricingFlags, 'pricingVersion'>; readonly format: OutputFormat }
  | { readonly command: 'diff'; readonly flags: DiffFlags; readonly format: OutputFormat }
  | { readonly command: 'validate'; readonly flags: { readonly path: string }; readonly format: OutputFormat }
  | { readonly command: 'reconcile'; readonly flags: ReconcileFlags; readonly format: OutputFormat }
  | { readonly command: 'pricing-check'; readonly flags: PricingCheckFlags; readonly format: OutputFormat }
  | { readonly command: 'describe'; readonly flags: DescribeFlags; readonly format: OutputFormat }
  | LedgerInvocation;

/** yargs' answer: an invocation, text it wants shown (--help, --version), or a usage error. */
export type Parsed =
  | { readonly kind: 'run'; readonly invocation: Invocation }
  | { readonly kind: 'show'; readonly text: string }
  | { readonly kind: 'usage'; readonly message: string };

const QUOTE_EXIT_CODES = `Exit codes: 0 quoted (and within --max), 3 over --max (the quote is still printed),
2 invalid request, unknown endpoint or provider, a flag the endpoint does not take, no price in effect,
unreadable or malformed input, or a bad command line (one line on stderr), 1 a bug.`;
const TABLES_EXIT_CODES = 'Exit codes: 0 printed; 2 unknown endpoint, provider or table version, no price in effect, a bad --at, unreadable or invalid --pricing tables, or a bad command line (one line on stderr); 1 a bug.';
const ROOT_EXIT_CODES = `Exit codes: 0 done; 3 over --max, a price changed (pricing check) or a request quoted below what fal billed (reconcile);
2 anything you can fix: a bad request, flag, file or table (one line on stderr); 4 a ledger that cannot be reached or read; 1 a bug.
Each command's help (fal-budget help <command>) lists its own.`;

/**
 * Every command and its subcommands, for "did you mean" and `help <command>`. The parser's
 * `.command()` calls below register the same names; a test keeps the two in step.
 */
export const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  quote: [], batch: [], prices: [], describe: [], versions: [], diff: [], validate: [],
  reconcile: [], pricing: ['check'], ledger: ['status', 'journal'], completion: [], help: [],
};

const AT: Options = {
  type: 'string', requiresArg: true,
  describe: 'price with the tables in effect at this date (2026-11-24, midnight UTC) or date-time with offset; default now',
};
const PRICING_VERSION: Options = { type: 'string', requiresArg: true, describe: 'price with this table version (e.g. 2026-11-21) instead of by date' };
const PRICING_DIR: Options = { type: 'string', requiresArg: true, describe: 'also load the pricing tables in this directory (or file)' };
const MAX: Options = { type: 'string', requiresArg: true, describe: 'budget in USD: exit 3 when the total is over it (equal is within)' };
const STRICT: Options = { type: 'boolean', describe: 'require the complete request, as the provider validates it' };

function pricingOptions<T>(argv: Argv<T>, withVersion = true) {
  const withAt = argv.option('at', AT).option('pricing', PRICING_DIR);
  return withVersion ? withAt.option('pricing-version', PRICING_VERSION).conflicts('at', 'pricing-version') : withAt;
}

/**
 * yargs reads a lone "-" positional as an empty flag (batch - gives file ""), so "-" (stdin)
 * crosses the parser as this token and is turned back afterwards.
 */
const STDIN_TOKEN = '\u0000stdin';
const unStdin = (value: string) => (value === STDIN_TOKEN ? '-' : value);

const str = (value: unknown): string | undefined => (value === undefined ? undefined : unStdin(String(value)));
const list = (value: unknown): string[] | undefined => (value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map((item) => unStdin(String(item))));

function pricingFlags(argv: Record<string, unknown>): PricingFlags {
  return { at: str(argv.at), pricingVersion: str(argv.pricingVersion), pricing: str(argv.pricing) };
}

const BOOLEAN_FLAGS = new Set(['strict', 'json', 'exit-code', ...FIELD_FLAGS.filter((flag) => flag.type === 'boolean').map((flag) => flag.flag)]);

/** The quote command's field flags, one per flag the request models define. */
function fieldOptions<T>(argv: Argv<T>): Argv<T> {
  let withFlags = argv;
  for (const { flag, type, describe } of FIELD_FLAGS) {
    withFlags = withFlags.option(flag, type === 'boolean' ? { type, describe } : { type, requiresArg: true, describe });
  }
  return withFlags;
}

const camelCase = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * yargs reads any value of a boolean flag other than "true" as false (--hdr=TRUE, --hdr=1 would
 * quote SDR), so a value other than true or false is refused before yargs sees it.
 */
function misusedBoolean(args: readonly string[]): string | undefined {
  for (const arg of args) {
    if (arg === '--') break;
    const match = /^--(?:no-)?([a-z-]+)=(.*)$/s.exec(arg);
    if (match && BOOLEAN_FLAGS.has(match[1]!) && match[2] !== 'true' && match[2] !== 'false') {
      return `--${match[1]}: takes no value, or =true / =false (got "${match[2]}")`;
    }
  }
  return undefined;
}

/** `help <command> [<sub>]` is `<command> [<sub>] --help`, once the names are known. */
function helpFor(args: readonly string[]): { args: readonly string[] } | { message: string } {
  if (args[0] !== 'help') return { args };
  const names = args.slice(1).filter((arg) => !arg.startsWith('-'));
  const unknown = unknownName(names, [], COMMANDS, new Set());
  if (unknown !== undefined) return { message: unknown };
  return { args: [...names, '--help'] };
}

/** A request for the completion script, or the shell asking for completions of a word. */
const completing = (args: readonly string[]) => args[0] === 'completion' || args.includes('--get-yargs-completions');

/** The failing command's own flag names, as yargs knows them at the failure. */
function flagsOf(parser: Argv): Set<string> {
  const options = (parser as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }).getOptions();
  const names = new Set(Object.keys(options.key));
  for (const [key, aliases] of Object.entries(options.alias)) {
    names.add(key);
    for (const alias of aliases) names.add(alias);
  }
  return names;
}

/** The unknown command or flag behind a strict-mode failure, with the nearest valid name. */
function unknownIn(parser: Argv, argv: Record<string, unknown> | undefined, args: readonly string[]): string | undefined {
  const positionals = ((argv?._ ?? []) as unknown[]).map(String);
  const [command] = positionals;
  // A subcommand yargs took as a positional (pricing <action>) is not in argv._.
  const next = command === undefined || positionals.length > 1 || !COMMANDS[command]?.length ? undefined : args[args.indexOf(command) + 1];
  return unknownName(next === undefined || next.startsWith('-') ? positionals : [command!, next], args, COMMANDS, flagsOf(parser));
}

/**
 * yargs renders a command's whole help after its handler runs, in case a later failure wants to
 * print it (2-3 ms of a quote's start-up: quote's help lists every field flag). Our handlers only
 * record the invocation and failures are printed by us, so that help is never shown. Help that is
 * asked for (--help, help <command>) is rendered as always.
 */
function skipHelpCache(parser: { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }): void {
  const usage = parser.getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * The command line, defined once: names and flags are fixed because scripts call them.
 * yargs only parses here; it never prints or exits, so main decides every exit code.
 */
export function parseCommandLine(commandLine: readonly string[], version: string): Parsed {
  const help = helpFor(commandLine);
  if ('message' in help) return { kind: 'usage', message: help.message };
  const { args } = help;
  const badBoolean = misusedBoolean(args);
  if (badBoolean) return { kind: 'usage', message: badBoolean };
  let invocation: { command: Invocation['command']; argv: Record<string, unknown> } | undefined;
  const capture = (command: Invocation['command']) => (argv: Record<string, unknown>) => {
    invocation = { command, argv };
  };
  const parser = yargs()
    .scriptName('fal-budget')
    .usage('$0 <command> [options]\n\nExact pre-flight quotes for fal generative-video requests, from versioned pricing tables.')
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .option('format', { choices: ['table', 'json', 'markdown', 'csv'], default: 'table', describe: 'output format (csv: quote and batch only)', global: true, requiresArg: true })
    .option('json', { type: 'boolean', describe: 'same as --format json', global: true })
    .command(
      'quote <endpoint>',
      'price one request before you send it',
      (argv) => pricingOptions(fieldOptions(argv
        .positional('endpoint', { type: 'string', describe: 'the endpoint id, e.g. luma/agent/ray/v3.2/video-to-video' }))
        .option('source-seconds', { type: 'string', requiresArg: true, describe: 'an endpoint billed by its source\'s length: that length in seconds, e.g. 22.5' })
        .option('source', { type: 'string', requiresArg: true, describe: 'an endpoint billed by its source\'s length: read it from this MP4/MOV file' })
        .option('set', { type: 'string', requiresArg: true, describe: 'set any other field: key=value (value read as JSON when it is JSON); repeatable' })
        .option('input', { type: 'string', requiresArg: true, describe: 'the request body as JSON, from a file or - for stdin; flags override it' })
        .option('provider', { type: 'string', requiresArg: true, describe: 'which provider, when several price the endpoint id' })
        .option('max', MAX)
        .option('strict', STRICT)
        .conflicts('source', 'source-seconds'))
        .example('$0 quote luma/agent/ray/v3.2/video-to-video --resolution 1080p --hdr --duration 10s', 'a 10 s 1080p HDR clip: $8.64')
        .example('$0 quote luma-ray-3-2-edit --resolution 720p --source-seconds 22.5 --max 10', 'an edit of a 22.5 s source, priced per 5 s block (or read the length from a file: --source clip.mp4); exit 3 if over $10')
        .example('cat request.json | $0 quote luma/agent/ray/v3.2/image-to-video --input - --json', 'the exact request body, as JSON')
        .epilog(`A flag for a field the endpoint does not have (--hdr on image-to-video) is an error. Without --strict, prompt and media URLs may be left out: the quote warns that the request is incomplete. fal-budget describe <endpoint> lists its fields.\n\n${QUOTE_EXIT_CODES}`),
      capture('quote'),
    )
    .command(
      'describe <endpoint>',
      'an endpoint\'s fields, types, defaults, which of them set the price, its rules and its rate card',
      (argv) => pricingOptions(argv
        .positional('endpoint', { type: 'string', describe: 'the endpoint id, e.g. luma/agent/ray/v3.2/video-to-video' })
        .option('provider', { type: 'string', requiresArg: true, describe: 'which provider, when several price the endpoint id' }))
        .example('$0 describe luma/agent/ray/v3.2/video-to-video', 'its fields (--resolution, --hdr, ... set the price), the HDR rule and the rate card in effect')
        .example('$0 describe luma-ray-3-2-edit --json', 'the same as one JSON document')
        .epilog(TABLES_EXIT_CODES),
      capture('describe'),
    )
    .command(
      'batch <file>',
      'price a JSONL file of requests, streaming',
      (argv) => pricingOptions(argv
        .positional('file', { type: 'string', describe: 'a .jsonl file, or - for stdin' })
        .option('max', { ...MAX, describe: 'budget in USD for the grand total: exit 3 when over it' })
        .option('strict', STRICT)
        .option('items', { type: 'string', requiresArg: true, describe: 'how many priced lines to list one by one: a number or "all" (default: 20 in a table or markdown, all in JSON and CSV)' })
        .option('compare-to', { type: 'string', requiresArg: true, describe: 'compare with a saved `batch --json` result: what changed per line id, and in total' })
        .option('max-increase', { type: 'string', requiresArg: true, describe: 'with --compare-to: exit 3 when the total went up by more than this many USD (equal is within)' })
        .option('max-line-bytes', { type: 'string', requiresArg: true, describe: 'the longest line accepted, in bytes (default 67108864, 64 MiB: a request with a ~48 MB clip inline); a longer one stops the batch, exit 2' }))
        .example('$0 batch plan.jsonl --compare-to last-week.json --max-increase 50', 'what changed since the saved run; exit 3 if the total rose by more than $50')
        .example('$0 batch renders.jsonl --at 2026-11-24 --max 250', 'subtotals per endpoint, the grand total, invalid lines by number')
        .example('generate-plan | $0 batch - --json > quote.json', 'from stdin; every line\'s quote in one JSON document')
        .epilog(`Each line: {"endpoint": "...", "input": {...}, "id"?: "...", "provider"?: "...", "sourceSeconds"?: "22.5", "count"?: 3}: count is how many identical jobs the line stands for (1 to 1,000,000; default 1). Blank lines are skipped; a plan with no request at all is a warning and exit 2. The file is streamed: memory stays flat however long it is (only the listed lines and the invalid ones are kept).\n\nWith --compare-to, lines are matched by id (a line without one by its line number) and the changes are printed after the report (CSV prints only them).\n\nExit codes: 0 every line quoted and the total within --max; 3 the quoted total is over --max, or rose by more than --max-increase (even if some lines are invalid: the real total can only be higher); 2 the plan has no request, or some lines are invalid (the report of the rest is still printed, the invalid lines are listed by number and left out of the total), or the file cannot be read; 1 a bug.`),
      capture('batch'),
    )
    .command(
      'prices [endpoint]',
      'show the rate cards, each laid out by its billing kind (per clip, per block, per second)',
      (argv) => pricingOptions(argv
        .positional('endpoint', { type: 'string', describe: 'one endpoint id (default: every endpoint)' })
        .option('provider', { type: 'string', requiresArg: true, describe: 'only this provider' }))
        .example('$0 prices luma/agent/ray/v3.2/video-to-video --at 2026-11-24', 'the fal video-to-video rate card in effect that day')
        .epilog(TABLES_EXIT_CODES),
      capture('prices'),
    )
    .command(
      'versions',
      'list every pricing table: effective dates, checked date, sha256, endpoints',
      (argv) => pricingOptions(argv, false)
        .example('$0 versions --json', 'every table as JSON')
        .epilog(TABLES_EXIT_CODES),
      capture('versions'),
    )
    .command(
      'diff <old> <new>',
      'every price cell that changed between two table versions',
      (argv) => argv
        .positional('old', { type: 'string', describe: '<provider>/<version> (e.g. fal/2026-11-21) or a path to a .json table' })
        .positional('new', { type: 'string', describe: '<provider>/<version> or a path to a .json table' })
        .option('pricing', PRICING_DIR)
        .option('exit-code', { type: 'boolean', describe: 'exit 3 when the tables differ (any price, added or removed cell, billing term), 0 when not, like git diff --exit-code (1 is kept for bugs)' })
        .example('$0 diff fal/2026-11-21 my-tables/fal/2026-12-01.json', 'old, new, change and percent change of each cell, from the bundled version to your file')
        .epilog(`Percent changes are rounded half-even to 2 places; amounts are exact.\n\nWith --exit-code: 3 when the tables differ, 0 when they do not (1 is always a bug). ${TABLES_EXIT_CODES}`),
      capture('diff'),
    )
    .command(
      'validate <path>',
      'check pricing tables; print each problem with its file and JSON path',
      (argv) => argv
        .positional('path', { type: 'string', describe: 'a table file or a directory of tables (its lock.json hashes are checked too)' })
        .example('$0 validate pricing/', 'exit 0 when every table is valid, 2 otherwise')
        .epilog('Exit codes: 0 every table valid; 2 a problem was found (each is printed) or the path cannot be read; 1 a bug.'),
      capture('validate'),
    )
    .command('reconcile', 'join the ledger\'s journal with fal\'s billing events: what was quoted against what fal billed', reconcileOptions, capture('reconcile'))
    .command('pricing <action>', 'check the fal tables in effect against fal\'s pricing API (pricing check)', pricingCheckOptions, capture('pricing-check'))
    .command(ledgerCommandLine(capture('ledger')))
    .completion('completion', 'print a bash (or, under zsh, zsh) completion script: fal-budget completion >> ~/.bashrc')
    .demandCommand(1, 'name a command: quote, batch, prices, describe, versions, diff, validate, ledger, reconcile or pricing check')
    .strict()
    .version(version);
  // --version is the program's, not a command's: a command's help lists only its own flags.
  // (yargs takes a second argument here that its types leave out.)
  (parser.global as (this: Argv, key: string, global: boolean) => Argv).call(parser, 'version', false);
  parser
    .help()
    .alias('help', 'h')
    // Messages are English like every other line the CLI prints, whatever the locale.
    .locale('en')
    // No hard wrap: examples stay whole lines that can be copied, and the terminal wraps prose.
    .wrap(null)
    .epilog(ROOT_EXIT_CODES);

  const yargsArgs = args.map((arg) => (arg === '-' ? STDIN_TOKEN : arg));
  if (completing(args)) {
    // yargs writes the script or the completions and reports on the way out, sometimes with a
    // strict-mode error about "completion" itself: what it printed last is the answer.
    let printed = '';
    parser.parseSync(yargsArgs, {}, (_error: unknown, _argv: unknown, output: string) => {
      if (output) printed = output;
    });
    // main ends what it shows with one line break; the script brings its own.
    return { kind: 'show', text: printed.replace(/\n$/, '') };
  }
  let outcome: Parsed | undefined;
  skipHelpCache(parser as unknown as Parameters<typeof skipHelpCache>[0]);
  // parseSync: no command here is async, and a promise returned by mistake would go unread.
  parser.parseSync(yargsArgs, {}, (error: Error | null | undefined, argv: Record<string, unknown>, output: string) => {
    if (outcome) return;
    if (error) outcome = { kind: 'usage', message: unknownIn(parser, argv, args) ?? error.message };
    else if (invocation === undefined) outcome = { kind: 'show', text: output };
  });
  if (outcome) return outcome;
  if (invocation === undefined) return { kind: 'usage', message: 'name a command: quote, batch, prices, describe, versions, diff, validate, ledger, reconcile or pricing check' };

  const { command, argv } = invocation;
  for (const [key, value] of Object.entries(argv)) {
    // yargs collects a repeated flag into an array; only --set may repeat.
    if (Array.isArray(value) && key !== '_' && key !== 'set' && /^[a-z]/.test(key) && !/[A-Z]/.test(key)) {
      return { kind: 'usage', message: `--${key} was given ${value.length} times: give it once` };
    }
  }
  if (argv.format === 'csv' && !CSV_COMMANDS.has(command)) {
    return { kind: 'usage', message: `--format csv: only quote and batch print CSV (use table, json or markdown with ${command})` };
  }
  if (command === 'ledger') return ledgerInvocation(argv, args);
  if (argv.json === true && argv.format !== 'table' && argv.format !== 'json') {
    return { kind: 'usage', message: `--json and --format ${String(argv.format)} contradict each other: give one` };
  }
  const format = (argv.json === true ? 'json' : argv.format) as ReportFormat;
  const textFormat = format as OutputFormat;
  switch (command) {
    case 'quote':
      return {
        kind: 'run',
        invocation: {
          command, format,
          flags: {
            ...pricingFlags(argv),
            endpoint: str(argv.endpoint)!,
            fields: Object.fromEntries(FIELD_FLAGS.map(({ flag, type }) => {
              const value = argv[camelCase(flag)];
              return [flag, type === 'boolean' ? (value as boolean | undefined) : str(value)];
            })),
            sourceSeconds: str(argv.sourceSeconds), source: str(argv.source), set: list(argv.set), input: str(argv.input),
            provider: str(argv.provider), max: str(argv.max), strict: argv.strict === true,
          },
        },
      };
    case 'batch': {
      const items = str(argv.items);
      // Tables are for people: a handful of lines, then the totals. JSON streams every line.
      const itemLimit = items === undefined ? (format === 'json' || format === 'csv' ? Infinity : DEFAULT_TABLE_ITEMS) : items === 'all' ? Infinity : /^\d+$/.test(items) ? Number(items) : undefined;
      if (itemLimit === undefined) return { kind: 'usage', message: `--items: expected a number of lines or "all" (got "${items}")` };
      if (argv.maxIncrease !== undefined && argv.compareTo === undefined) return { kind: 'usage', message: '--max-increase needs --compare-to <saved.json>: an increase is over a saved result' };
      if (str(argv.compareTo) === '-' && str(argv.file) === '-') return { kind: 'usage', message: '--compare-to -: the plan is already read from stdin; give the saved result as a file' };
      const maxLineBytes = str(argv.maxLineBytes);
      if (maxLineBytes !== undefined && !/^[1-9]\d{0,14}$/.test(maxLineBytes)) return { kind: 'usage', message: `--max-line-bytes: expected a whole number of bytes, at least 1 (got "${maxLineBytes}")` };
      return {
        kind: 'run',
        invocation: {
          command, format,
          flags: {
            ...pricingFlags(argv), file: str(argv.file)!, max: str(argv.max), strict: argv.strict === true, itemLimit, compareTo: str(argv.compareTo), maxIncrease: str(argv.maxIncrease),
            maxLineBytes: maxLineBytes === undefined ? undefined : Number(maxLineBytes),
          },
        },
      };
    }
    case 'prices':
      return { kind: 'run', invocation: { command, format: textFormat, flags: { ...pricingFlags(argv), endpoint: str(argv.endpoint), provider: str(argv.provider) } } };
    case 'versions':
      return { kind: 'run', invocation: { command, format: textFormat, flags: { at: str(argv.at), pricing: str(argv.pricing) } } };
    case 'diff':
      return { kind: 'run', invocation: { command, format: textFormat, flags: { old: str(argv.old)!, new: str(argv.new)!, pricing: str(argv.pricing), exitCode: argv.exitCode === true } } };
    case 'validate':
      return { kind: 'run', invocation: { command, format: textFormat, flags: { path: str(argv.path)! } } };
    case 'reconcile':
      return { kind: 'run', invocation: { command, format: textFormat, flags: reconcileFlagsOf(argv) } };
    case 'pricing-check':
      return { kind: 'run', invocation: { command, format: textFormat, flags: pricingCheckFlagsOf(argv) } };
    case 'describe':
      return { kind: 'run', invocation: { command, format: textFormat, flags: { ...pricingFlags(argv), endpoint: str(argv.endpoint)!, provider: str(argv.provider) } } };
  }
}
