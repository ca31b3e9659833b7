import type { RequestModel } from './request-model.js';
import { falVideoToVideo } from './fal-video-to-video.js';
import { falImageToVideo } from './fal-image-to-video.js';
import { falTextToVideo } from './fal-text-to-video.js';
import { oxenVideoToVideo } from './oxen-video-to-video.js';
import { gmiEdit } from './gmi-edit.js';
import { falReframe } from './fal-reframe.js';

/** Every request model a pricing table may reference, by id. */
export const requestModels: ReadonlyMap<string, RequestModel> = new Map(
  [falVideoToVideo, falImageToVideo, falTextToVideo, oxenVideoToVideo, gmiEdit, falReframe].map((model) => [model.id, model]),
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
