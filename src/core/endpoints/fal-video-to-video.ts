import { z } from 'zod';
import type { RequestModel } from './request-model.js';
import { field, missingFields } from './luma-ray-rules.js';
import { validationLevels } from './schemas.js';
import { VIDEO_TO_VIDEO_CONTROL_FIELDS, videoToVideoControlShape, videoToVideoRules } from './video-to-video-controls.js';

const NOT_PRICED = ['prompt', 'video_url'] as const;

/** fal `luma/agent/ray/v3.2/video-to-video` (seed 000). */
export const falVideoToVideo: RequestModel = {
  id: 'fal/luma-ray-3.2/video-to-video',
  billing: 'per_clip',
  tiers: ['sdr', 'hdr', 'hdr_exr'],
  fields: [
    field({ name: 'prompt', type: 'string', required: true }),
    field({ name: 'video_url', type: 'string', required: true }),
    field({ name: 'start_image_url', type: 'string' }),
    ...VIDEO_TO_VIDEO_CONTROL_FIELDS,
  ],
  ignoredFields: {},
  ...validationLevels(
    {
      prompt: z.string(),
      video_url: z.string(),
      start_image_url: z.string().optional(),
      ...videoToVideoControlShape,
    },
    NOT_PRICED,
  ),
  rules: videoToVideoRules,
  missing: (input) => missingFields(input, NOT_PRICED),
};
