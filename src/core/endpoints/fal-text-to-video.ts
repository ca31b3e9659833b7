import { z } from 'zod';
import type { RequestModel } from './request-model.js';
import {
  ASPECT_RATIOS, aspectRatioSchema, durationSchema, loopRule, missingFields, resolutionSchema,
  field, RESOLUTION_FIELD, DURATION_FIELD,
} from './luma-ray-rules.js';
import { validationLevels } from './schemas.js';

const NOT_PRICED = ['prompt'] as const;

/** fal `luma/agent/ray/v3.2/text-to-video` (seed 004): SDR only; loop has no stated default. */
export const falTextToVideo: RequestModel = {
  id: 'fal/luma-ray-3.2/text-to-video',
  billing: 'per_clip',
  tiers: ['sdr'],
  fields: [
    field({ name: 'prompt', type: 'string', required: true }),
    field({ name: 'aspect_ratio', type: 'enum', options: ASPECT_RATIOS, default: '16:9' }),
    RESOLUTION_FIELD('540p'),
    DURATION_FIELD,
    field({ name: 'loop', type: 'boolean' }),
    field({ name: 'reference_image_urls', type: 'string[]' }),
  ],
  ignoredFields: {},
  ...validationLevels(
    {
      prompt: z.string(),
      aspect_ratio: aspectRatioSchema.default('16:9'),
      resolution: resolutionSchema.default('540p'),
      duration: durationSchema.default('5s'),
      loop: z.boolean().optional(),
      reference_image_urls: z.array(z.string()).optional(),
    },
    NOT_PRICED,
  ),
  rules: loopRule,
  missing: (input) => missingFields(input, NOT_PRICED),
};
