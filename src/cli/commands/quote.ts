import type { BillingKind } from '../../core/billing/index.js';
import { InvalidOptionError, InvalidRequestError } from '../../core/errors/index.js';
import { Decimal, parseDecimal } from '../../core/money.js';
import { selectPricing } from '../../core/quote.js';
import { durationsDisagreeWarning } from '../../core/source-durations.js';
import type { QuoteWarning } from '../../core/quote-types.js';
import { probeInlineMp4, readMp4Seconds } from '../../media/mp4-seconds.js';
import { quote } from '../../quote.js';
import { checkBudget, parseMax } from '../budget-check.js';
import { CliError } from '../cli-error.js';
import { pricingContext, type PricingFlags } from '../pricing-context.js';
import { parseJsonObject, readInputBytes, readInputText, type Stdin } from '../read-input.js';
import type { QuoteReport } from '../report.js';
import { requestFromFlags, type FieldFlags } from './request-from-flags.js';

export interface QuoteFlags extends PricingFlags {
  readonly endpoint: string;
  /** The field flags (--resolution, --hdr, ...), by flag name. */
  readonly fields: FieldFlags;
  readonly sourceSeconds?: string;
  readonly source?: string;
  readonly set?: readonly string[];
  readonly input?: string;
  readonly provider?: string;
  readonly max?: string;
  readonly strict?: boolean;
}

export interface CommandIo {
  readonly stdin: Stdin;
  readonly now: () => Date;
}

/** --source-seconds or --source: the source's length, exact. Only an endpoint billed by that length takes one. */
async function sourceLength(flags: QuoteFlags, endpoint: string, kind: BillingKind): Promise<{ seconds: string | Decimal; from: 'given' | 'mp4'; flag: string; warning?: QuoteWarning } | undefined> {
  const flag = flags.source !== undefined ? `--source ${flags.source}` : flags.sourceSeconds !== undefined ? `--source-seconds ${flags.sourceSeconds}` : undefined;
  if (flag === undefined) return undefined;
  if (!kind.source) {
    throw new CliError('usage', `${flag.split(' ')[0]}: ${endpoint} is priced ${kind.label}; the source length does not apply to it`);
  }
  if (flags.sourceSeconds !== undefined) {
    if (!parseDecimal(flags.sourceSeconds)) {
      throw new CliError('usage', `--source-seconds: expected seconds as a decimal like 22.5 (got "${flags.sourceSeconds}")`);
    }
    return { seconds: flags.sourceSeconds, from: 'given', flag };
  }
  const probed = readMp4Seconds(await readInputBytes(flags.source!, '--source'));
  if ('error' in probed) throw new CliError('malformed_input', `${flag}: ${probed.error}`);
  return { seconds: probed.seconds, from: 'mp4', flag, warning: durationsDisagreeWarning(probed.durations) };
}

/** `fal-budget quote <endpoint>`: turns flags into a request and prices it with the library's quote(). */
export async function quoteCommand(flags: QuoteFlags, io: CommandIo): Promise<QuoteReport> {
  const max = parseMax(flags.max);
  const { book, at, version } = pricingContext(flags, io.now);
  // Which table prices the endpoint decides which fields it has (and fails closed if none does).
  const { pricing } = selectPricing(book, flags.endpoint, { at, version, provider: flags.provider });
  const base = flags.input === undefined ? {} : parseJsonObject(await readInputText(flags.input, '--input', io.stdin), `--input ${flags.input}`);
  const request = requestFromFlags(flags.endpoint, pricing, base, flags.fields, flags.set ?? []);
  const source = await sourceLength(flags, flags.endpoint, pricing.card.kind);
  try {
    const priced = quote(flags.endpoint, request, {
      book, at, version, provider: flags.provider, sourceSeconds: source?.seconds, sourceSecondsFrom: source?.from, strict: flags.strict, probeSource: probeInlineMp4,
    });
    // The file's boxes disagreeing is part of the quote, as it is for an inline source_data.
    const quoted = source?.warning ? { ...priced, warnings: [...priced.warnings, source.warning] } : priced;
    return { kind: 'quote', quote: quoted, budget: checkBudget(new Decimal(priced.total), max) };
  } catch (error) {
    // The length came from a flag: say which one, rather than the library's option name.
    // The option (not a length) and the length (empty, too long) are both about the flag.
    const reason = error instanceof InvalidOptionError && error.option === 'sourceSeconds' ? error.reason
      : error instanceof InvalidRequestError ? error.issues.find((candidate) => candidate.path[0] === 'sourceSeconds')?.message : undefined;
    if (reason !== undefined && source) throw new CliError('usage', `${source.flag}: ${reason}`, { cause: error });
    throw error;
  }
}
