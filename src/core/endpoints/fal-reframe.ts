import * as z from 'zod/mini';
import { field } from './fields.js';
import { mediaUrl, prompt, resolution } from './luma-ray-fields.js';
import type { RequestModelDefinition } from './request-model.js';

/**
 * fal `luma/agent/ray/v3.2/reframe` (shared/sources/fal-reframe.md): a new aspect ratio for a
 * source video, billed per started second of that source. The request carries only the
 * source's URL, so its length comes from the caller, or is quoted at the 30 s maximum. No HDR.
 */
export const falReframe: RequestModelDefinition = {
  id: 'fal/luma-ray-3.2/reframe',
  billing: 'per_second',
  fields: () => ({
    prompt: prompt('what to paint into the newly exposed canvas'),
    video_url: mediaUrl('URL of the source video, 30 s or shorter'),
    aspect_ratio: field(z.enum(['3:4', '4:3', '1:1', '9:16', '16:9', '21:9']), { description: 'the aspect ratio to reframe the video to' }),
    resolution: resolution('540p'),
  }),
  maxSourceField: 'video_url',
  source: (parsed) => (typeof parsed.video_url === 'string' && parsed.video_url !== '' ? { kind: 'reference', field: 'video_url' } : { kind: 'none' }),
};
