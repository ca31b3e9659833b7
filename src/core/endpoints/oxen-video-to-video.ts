import { z } from 'zod';
import type { ClipRequestModel } from './request-model.js';
import {
  clipBillingParams, durationSchema, editStrengthSchema, EDIT_STRENGTHS, hdrRules, missingFields, resolutionSchema,
  field, RESOLUTION_FIELD, DURATION_FIELD, HDR_FIELD, EXR_FIELD,
} from './luma-ray-rules.js';
import { autoControlsRule } from './fal-video-to-video.js';
import { validationLevels } from './schemas.js';

const MODEL_ID = 'luma-ray-v3-2-video-to-video';
const NOT_PRICED = ['prompt', 'input_video'] as const;

/**
 * Oxen `luma-ray-v3-2-video-to-video` (seed 001): fal's model behind Oxen's API, with Oxen's
 * field names (`input_video`, `input_image`) and its `model` field in the body. Both media
 * fields are documented as "Format: uri".
 */
export const oxenVideoToVideo: ClipRequestModel = {
  id: 'oxen/luma-ray-3.2/video-to-video',
  billing: 'per_clip',
  tiers: ['sdr', 'hdr', 'hdr_exr'],
  fields: [
    field({ name: 'model', type: 'enum', options: [MODEL_ID] }),
    field({ name: 'prompt', type: 'string', required: true }),
    field({ name: 'input_video', type: 'string', required: true }),
    field({ name: 'input_image', type: 'string' }),
    RESOLUTION_FIELD('540p'),
    DURATION_FIELD,
    field({ name: 'edit_strength', type: 'enum', options: EDIT_STRENGTHS }),
    field({ name: 'auto_controls', type: 'boolean', default: false }),
    HDR_FIELD,
    EXR_FIELD,
  ],
  ignoredFields: {},
  ...validationLevels(
    {
      model: z.literal(MODEL_ID).optional(),
      prompt: z.string(),
      input_video: z.url(),
      input_image: z.url().optional(),
      resolution: resolutionSchema.default('540p'),
      duration: durationSchema.default('5s'),
      edit_strength: editStrengthSchema.optional(),
      auto_controls: z.boolean().default(false),
      hdr: z.boolean().default(false),
      exr_export: z.boolean().default(false),
    },
    NOT_PRICED,
  ),
  rules: (input) => [...hdrRules(input, '540p'), ...autoControlsRule(input)],
  missing: (input) => missingFields(input, NOT_PRICED),
  billingParams: clipBillingParams,
};
