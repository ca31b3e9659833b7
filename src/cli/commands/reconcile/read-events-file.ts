import { parseBillingEvent, type BillingEvent } from '../../../fal/platform/billing-event.js';
import { parseExactJson } from '../../../fal/platform/parse-exact-json.js';
import { CliError } from '../../cli-error.js';

/** The rows of one JSON value: an event, an array of events, or a page ({ billing_events: [...] }), arrays of pages too. */
function rowsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'object' && item !== null && 'billing_events' in item ? rowsOf(item) : [item]));
  if (typeof value === 'object' && value !== null && 'billing_events' in value) {
    const rows = (value as { billing_events: unknown }).billing_events;
    return Array.isArray(rows) ? rows : [rows];
  }
  return [value];
}

/**
 * A saved export of fal's billing events: one JSON document (the API's answer, an array of its
 * pages, or an array of events) or JSONL (one event or page per line). Numbers are read exactly.
 * Any line that is not in fal's shape is an error naming the file, the line and the field.
 */
export function parseEventsFile(text: string, file: string): BillingEvent[] {
  let documents: { value: unknown; where: string }[];
  try {
    documents = [{ value: parseExactJson(text), where: `--events ${file}` }];
  } catch (whole) {
    const lines = text.split('\n');
    if (lines.filter((line) => line.trim().length > 0).length < 2) {
      throw new CliError('malformed_input', `--events ${file}: not JSON or JSONL (${(whole as Error).message})`);
    }
    documents = [];
    lines.forEach((line, index) => {
      if (line.trim().length === 0) return;
      try {
        documents.push({ value: parseExactJson(line), where: `--events ${file} line ${index + 1}` });
      } catch (error) {
        throw new CliError('malformed_input', `--events ${file} line ${index + 1}: not JSON (${(error as Error).message})`);
      }
    });
  }
  const events: BillingEvent[] = [];
  for (const { value, where } of documents) {
    for (const row of rowsOf(value)) {
      const event = parseBillingEvent(row);
      if (typeof event === 'string') throw new CliError('malformed_input', `${where}: ${event}`);
      events.push(event);
    }
  }
  return events;
}
