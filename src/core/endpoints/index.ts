import { defineRequestModel, type RequestModel } from './request-model.js';
import { REQUEST_MODEL_DEFINITIONS } from './definitions.js';
import { REQUEST_FIELDS } from './request-fields.generated.js';

/**
 * Every request model a pricing table may reference, by id. Their fields come from the copy
 * `npm run generate` derived from the definitions, so no zod type is built until a model's
 * schemas are used (a one-quote CLI run builds one model's).
 */
export const requestModels: ReadonlyMap<string, RequestModel> = new Map(
  REQUEST_MODEL_DEFINITIONS.map((definition) => [
    definition.id,
    defineRequestModel(definition, Object.hasOwn(REQUEST_FIELDS, definition.id) ? REQUEST_FIELDS[definition.id] : undefined),
  ]),
);

export const REQUEST_MODEL_IDS = [...requestModels.keys()] as [string, ...string[]];

/** Every value any model takes for a field, in first-seen order: for display, never for validation. */
function valuesOf(name: string): readonly string[] {
  const values = new Set<string>();
  for (const model of requestModels.values()) for (const value of model.fields.find((info) => info.name === name)?.options ?? []) values.add(value);
  return [...values];
}

/** Every resolution some endpoint offers; each model validates its own. */
export const RESOLUTIONS = valuesOf('resolution');
/** Every clip duration some endpoint offers; each model validates its own. */
export const DURATIONS = valuesOf('duration');

/** A resolution as a model names it ("1080p"). */
export type Resolution = string;
/** A clip duration as a model names it ("10s"). */
export type Duration = string;

export * from './request-model.js';
