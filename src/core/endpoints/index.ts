import type { RequestModel } from './request-model.js';
import { falVideoToVideo } from './fal-video-to-video.js';
import { falImageToVideo } from './fal-image-to-video.js';
import { falTextToVideo } from './fal-text-to-video.js';
import { oxenVideoToVideo } from './oxen-video-to-video.js';
import { gmiEdit } from './gmi-edit.js';

/** Every request model a pricing table may reference, by id. */
export const requestModels: ReadonlyMap<string, RequestModel> = new Map(
  [falVideoToVideo, falImageToVideo, falTextToVideo, oxenVideoToVideo, gmiEdit].map((model) => [model.id, model]),
);

export const REQUEST_MODEL_IDS = [...requestModels.keys()] as [string, ...string[]];

export * from './request-model.js';
