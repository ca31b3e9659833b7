import type { FieldInfo, RequestModel, ValidationMode } from '../../core/endpoints/index.js';
import { selectPricing } from '../../core/quote.js';
import { pricingContext, type PricingFlags } from '../pricing-context.js';
import type { RateCard } from '../report.js';
import { rateCard } from './prices.js';

export interface DescribeFlags extends PricingFlags {
  readonly endpoint: string;
  readonly provider?: string;
}

/** A request field as `describe` shows it; `--json` prints these as they are. */
export interface DescribedField {
  readonly name: string;
  readonly type: FieldInfo['type'];
  /** An enum's values, in the model's order. */
  readonly options?: readonly string[];
  readonly default?: string | boolean;
  /** Required by the provider; a quote without --strict can still do without it when it does not set the price. */
  readonly required: boolean;
  /** It changes the price. */
  readonly priced: boolean;
  /** The quote command's flag for it (without it: --set name=value). */
  readonly flag?: string;
  readonly description: string;
}

/** A rule across fields, as the model's own rules word it; found by trying the fields' values. */
export interface DescribedRule {
  readonly code: string;
  /** The fields whose values break it, in the order that first broke it. */
  readonly fields: readonly string[];
  readonly message: string;
  /** Broken only under --strict (a quote alone does not check it). */
  readonly strictOnly: boolean;
}

export interface DescribeReport {
  readonly kind: 'describe';
  readonly currency: 'USD';
  /** The instant the rate card applies at, or undefined when --pricing-version pinned it. */
  readonly at: string | undefined;
  readonly version: string | undefined;
  readonly endpoint: string;
  readonly provider: string;
  /** The request model's id, as the table's `request` names it. */
  readonly request: string;
  /** The billing kind's id and its words ("per_clip", "per clip"). */
  readonly billing: { readonly id: string; readonly label: string };
  /** For a kind billed by the source's length: how, and which field that length stands in for. */
  readonly source: { readonly billedBy: string; readonly replaces: string } | undefined;
  readonly fields: readonly DescribedField[];
  /** Fields the provider accepts and ignores, with the reason a quote warns with. */
  readonly ignoredFields: readonly { readonly name: string; readonly reason: string }[];
  readonly rules: readonly DescribedRule[];
  readonly rateCard: RateCard;
}

/** The values worth trying for a field: an enum's, both booleans; others keep their default. */
const trialValues = (field: FieldInfo): readonly unknown[] => (field.type === 'enum' ? field.options ?? [] : field.type === 'boolean' ? [true, false] : []);

// "(got 540p)" names the tried value, not the rule.
const ruleMessage = (message: string) => message.replace(/\s*\(got [^)]*\)$/, '');

/**
 * The model's cross-field rules, found by running them: every value of every enum and boolean
 * field, alone and in pairs, over the defaults. The rules are code, so reading them this way
 * means `describe` cannot drift from what a quote enforces. No rule of today spans three fields.
 */
export function rulesOf(model: RequestModel): DescribedRule[] {
  const found = new Map<string, { fields: string[]; message: string; modes: Set<ValidationMode> }>();
  const tried = model.fields.filter((field) => trialValues(field).length > 0);
  const trials: Record<string, unknown>[] = [];
  for (const [index, a] of tried.entries()) {
    for (const x of trialValues(a)) {
      trials.push({ [a.name]: x });
      for (const b of tried.slice(index + 1)) for (const y of trialValues(b)) trials.push({ [a.name]: x, [b.name]: y });
    }
  }
  for (const mode of ['quote', 'strict'] as const) {
    for (const trial of trials) {
      const parsed = model.quoteSchema.safeParse(trial);
      if (!parsed.success) continue;
      for (const issue of model.rules(parsed.data, mode)) {
        const seen = found.get(issue.code);
        if (seen) {
          seen.modes.add(mode);
          continue;
        }
        found.set(issue.code, { fields: Object.keys(trial), message: ruleMessage(issue.message), modes: new Set([mode]) });
      }
    }
  }
  return [...found].map(([code, { fields, message, modes }]) => ({ code, fields, message, strictOnly: !modes.has('quote') }));
}

function describedField(field: FieldInfo): DescribedField {
  return {
    name: field.name, type: field.type,
    ...(field.options ? { options: field.options } : {}),
    ...(field.default === undefined ? {} : { default: field.default }),
    required: field.required, priced: field.priced,
    ...(field.flag ? { flag: field.flag } : {}),
    description: field.description,
  };
}

/** `fal-budget describe <endpoint>`: the request model and rate card of the table in effect. */
export function describeCommand(flags: DescribeFlags, now: () => Date): DescribeReport {
  const { book, at, version } = pricingContext(flags, now);
  const { table, pricing } = selectPricing(book, flags.endpoint, { at, version, provider: flags.provider });
  const model = pricing.request;
  const { kind } = pricing.card;
  return {
    kind: 'describe',
    currency: 'USD',
    at: version === undefined ? at.toISOString() : undefined,
    version,
    endpoint: pricing.endpoint,
    provider: table.provider,
    request: model.id,
    billing: { id: kind.id, label: kind.label },
    source: kind.source ? { billedBy: kind.source.billedBy, replaces: kind.source.replaces } : undefined,
    fields: model.fields.map(describedField),
    ignoredFields: Object.entries(model.ignoredFields).map(([name, reason]) => ({ name, reason })),
    rules: rulesOf(model),
    rateCard: rateCard(table, pricing),
  };
}
