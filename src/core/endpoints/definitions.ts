import type { RequestModelDefinition } from './request-model.js';
import { falVideoToVideo } from './fal-video-to-video.js';
import { falImageToVideo } from './fal-image-to-video.js';
import { falTextToVideo } from './fal-text-to-video.js';
import { oxenVideoToVideo } from './oxen-video-to-video.js';
import { gmiEdit } from './gmi-edit.js';
import { falReframe } from './fal-reframe.js';

/**
 * Every endpoint's request definition, in the registry's order. Apart from index.ts (which
 * makes the models), only `npm run generate` reads them: it derives request-fields.generated.ts
 * from them before anything has loaded that copy.
 */
export const REQUEST_MODEL_DEFINITIONS: readonly RequestModelDefinition[] = [falVideoToVideo, falImageToVideo, falTextToVideo, oxenVideoToVideo, gmiEdit, falReframe];
