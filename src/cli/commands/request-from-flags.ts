import type { FieldInfo, RequestModel } from '../../core/endpoints/index.js';
import type { EndpointPricing } from '../../core/pricing/pricing-table.js';
import { CliError } from '../cli-error.js';

/** The price-relevant flags and the request field each one sets. */
export const FIELD_FLAGS = [
  { flag: 'resolution', field: 'resolution' },
  { flag: 'duration', field: 'duration' },
  { flag: 'hdr', field: 'hdr' },
  { flag: 'exr', field: 'exr_export' },
  { flag: 'loop', field: 'loop' },
] as const;

export type FieldFlagName = (typeof FIELD_FLAGS)[number]['flag'];
export type FieldFlags = Partial<Record<FieldFlagName, string | boolean>>;

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
export function parseSetting(text: string): [key: string, value: unknown] {
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
  flags: FieldFlags,
  settings: readonly string[],
): Record<string, unknown> {
  const model = pricing.request;
  const source = pricing.card.kind.source;
  const request: Record<string, unknown> = { ...base };
  const setKeys = new Set<string>();
  for (const text of settings) {
    const [key, value] = parseSetting(text);
    const field = model.fields.find((candidate) => candidate.name === key);
    if (!field && model.ignoredFields[key] === undefined) {
      throw new CliError('usage', `--set ${key}: ${endpoint} has no field "${key}" (its fields: ${fieldNames(model)})`);
    }
    if (field) checkValue(`--set ${key}`, field, value, endpoint);
    request[key] = value;
    setKeys.add(key);
  }
  for (const { flag, field: name } of FIELD_FLAGS) {
    const value = flags[flag];
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
