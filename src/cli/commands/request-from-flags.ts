import { requestModels, type FieldInfo, type RequestModel } from '../../core/endpoints/index.js';
import type { EndpointPricing } from '../../core/pricing/pricing-table.js';
import { CliError } from '../cli-error.js';
import { didYouMean } from '../nearest-name.js';

/** A quote flag that sets a request field, derived from the fields' definitions. */
export interface FieldFlag {
  readonly flag: string;
  readonly field: string;
  readonly type: 'boolean' | 'string';
  /** The help line: the field's description and, for an enum, every value some endpoint takes. */
  readonly describe: string;
}

/**
 * Every field flag, from every request model: a priced field gets one (named after the field,
 * or its `flag`), and so does a field whose definition names a flag. Two models may share a
 * flag only for the same field.
 */
function fieldFlags(models: Iterable<RequestModel>): FieldFlag[] {
  const found = new Map<string, { field: FieldInfo; options: Set<string> }>();
  for (const model of models) {
    for (const field of model.fields) {
      if (field.flag === undefined) continue;
      const seen = found.get(field.flag);
      if (seen && seen.field.name !== field.name) throw new Error(`--${field.flag} would set both ${seen.field.name} and ${field.name}`);
      const entry = seen ?? { field, options: new Set<string>() };
      for (const option of field.options ?? []) entry.options.add(option);
      found.set(field.flag, entry);
    }
  }
  return [...found].map(([flag, { field, options }]) => ({
    flag,
    field: field.name,
    type: field.type === 'boolean' ? 'boolean' : 'string',
    describe: field.type === 'boolean'
      ? `${field.description} (sets ${field.name}: true; --no-${flag} for false)`
      : `${field.description}: ${[...options].join(' | ')} (sets ${field.name})`,
  }));
}

export const FIELD_FLAGS: readonly FieldFlag[] = fieldFlags(requestModels.values());

/** The field flags given on the command line, by flag name. */
export type FieldFlags = Readonly<Record<string, string | boolean | undefined>>;

function fieldNames(model: RequestModel): string {
  return model.fields.map((field) => field.name).join(', ');
}

function checkValue(flag: string, field: FieldInfo, value: unknown, endpoint: string): void {
  if (field.type === 'enum' && field.options && !field.options.includes(value as string)) {
    throw new CliError('usage', `${flag}: ${endpoint} takes ${field.name} ${field.options.join(' | ')} (got ${JSON.stringify(value)})`);
  }
  if (field.type === 'boolean' && typeof value !== 'boolean') {
    throw new CliError('usage', `${flag}: ${field.name} is true or false (got ${JSON.stringify(value)})`);
  }
}

/** "--set key=value": the value is JSON when it parses as JSON ("true", "0.5", "[...]"), else the text itself. */
function parseSetting(text: string): [key: string, value: unknown] {
  const at = text.indexOf('=');
  const key = at < 0 ? '' : text.slice(0, at).trim();
  if (key.length === 0) throw new CliError('usage', `--set ${JSON.stringify(text)}: expected key=value, e.g. --set prompt="a red fox"`);
  const raw = text.slice(at + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

/**
 * Builds the request body a quote sees: --input's JSON, then each --set, then the named flags
 * on top. A flag or --set key for a field the endpoint does not have is an error, never ignored.
 */
export function requestFromFlags(
  endpoint: string,
  pricing: EndpointPricing,
  base: Record<string, unknown>,
  fieldFlags: FieldFlags,
  settings: readonly string[],
): Record<string, unknown> {
  const model = pricing.request;
  const source = pricing.card.kind.source;
  const request: Record<string, unknown> = { ...base };
  const setKeys = new Set<string>();
  for (const text of settings) {
    const [key, value] = parseSetting(text);
    const field = model.fields.find((candidate) => candidate.name === key);
    // Own keys only: "constructor" or "__proto__" must not pass as fields inherited from Object.prototype.
    if (!field && !Object.hasOwn(model.ignoredFields, key)) {
      const hint = didYouMean(key, model.fields.map((candidate) => candidate.name));
      throw new CliError('usage', `--set ${key}: ${endpoint} has no field "${key}"${hint} (its fields: ${fieldNames(model)})`);
    }
    if (field) checkValue(`--set ${key}`, field, value, endpoint);
    request[key] = value;
    setKeys.add(key);
  }
  for (const { flag, field: name } of FIELD_FLAGS) {
    const value = fieldFlags[flag];
    if (value === undefined) continue;
    const field = model.fields.find((candidate) => candidate.name === name);
    if (!field) {
      // A kind billed by the source's length says which field that length stands in for.
      const why = source?.replaces === name
        ? ` (it is billed ${source.billedBy}: use --source-seconds or --source)`
        : ` (its fields: ${fieldNames(model)})`;
      throw new CliError('usage', `--${flag}: ${endpoint} has no ${name} field${why}`);
    }
    if (setKeys.has(name)) throw new CliError('usage', `--${flag} and --set ${name}= both set ${name}: give one`);
    checkValue(`--${flag}`, field, value, endpoint);
    request[name] = value;
  }
  return request;
}
