import { z } from 'zod';
import type { RequestModel } from './request-model.js';
import { field, missingFields } from './luma-ray-rules.js';
import { validationLevels } from './schemas.js';
import { VIDEO_TO_VIDEO_CONTROL_FIELDS, videoToVideoControlShape, videoToVideoRules } from './video-to-video-controls.js';

const MODEL_ID = 'luma-ray-v3-2-video-to-video';
const NOT_PRICED = ['prompt', 'input_video'] as const;

/**
 * Oxen `luma-ray-v3-2-video-to-video` (seed 001): fal's model behind Oxen's API, with Oxen's
 * field names (`input_video`, `input_image`) and its `model` field in the body. Both media
 * fields are documented as "Format: uri".
 */
export const oxenVideoToVideo: RequestModel = {
  id: 'oxen/luma-ray-3.2/video-to-video',
  billing: 'per_clip',
  tiers: ['sdr', 'hdr', 'hdr_exr'],
  fields: [
    field({ name: 'model', type: 'enum', options: [MODEL_ID] }),
    field({ name: 'prompt', type: 'string', required: true }),
    field({ name: 'input_video', type: 'string', required: true }),
    field({ name: 'input_image', type: 'string' }),
    ...VIDEO_TO_VIDEO_CONTROL_FIELDS,
  ],
  ignoredFields: {},
  ...validationLevels(
    {
      model: z.literal(MODEL_ID).optional(),
      prompt: z.string(),
      input_video: z.url(),
      input_image: z.url().optional(),
      ...videoToVideoControlShape,
    },
    NOT_PRICED,
  ),
  rules: videoToVideoRules,
  missing: (input) => missingFields(input, NOT_PRICED),
};
