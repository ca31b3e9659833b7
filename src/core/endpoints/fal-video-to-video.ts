import { z } from 'zod';
import type { RequestIssue } from '../errors/index.js';
import type { ClipRequestModel } from './request-model.js';
import {
  clipBillingParams, durationSchema, editStrengthSchema, EDIT_STRENGTHS, hdrRules, missingFields, resolutionSchema, field,
  RESOLUTION_FIELD, DURATION_FIELD, HDR_FIELD, EXR_FIELD,
} from './luma-ray-rules.js';
import { validationLevels } from './schemas.js';

/** Shared by fal's endpoint and Oxen's, which serves the same model under other field names. */
export function autoControlsRule(input: Record<string, unknown>): RequestIssue[] {
  if (input.auto_controls === true && input.edit_strength !== undefined) {
    return [{
      path: ['edit_strength'],
      code: 'auto_controls_exclusive',
      message: 'edit_strength cannot be combined with auto_controls',
    }];
  }
  return [];
}

const NOT_PRICED = ['prompt', 'video_url'] as const;

/** fal `luma/agent/ray/v3.2/video-to-video` (seed 000). */
export const falVideoToVideo: ClipRequestModel = {
  id: 'fal/luma-ray-3.2/video-to-video',
  billing: 'per_clip',
  tiers: ['sdr', 'hdr', 'hdr_exr'],
  fields: [
    field({ name: 'prompt', type: 'string', required: true }),
    field({ name: 'video_url', type: 'string', required: true }),
    field({ name: 'start_image_url', type: 'string' }),
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
      prompt: z.string(),
      video_url: z.string(),
      start_image_url: z.string().optional(),
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
