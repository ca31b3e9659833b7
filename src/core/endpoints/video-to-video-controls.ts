import { z } from 'zod';
import type { RequestIssue } from '../errors/index.js';
import type { FieldInfo } from './request-model.js';
import {
  durationSchema, editStrengthSchema, EDIT_STRENGTHS, field, hdrRules, resolutionSchema,
  RESOLUTION_FIELD, DURATION_FIELD, HDR_FIELD, EXR_FIELD,
} from './luma-ray-rules.js';

// Luma Ray 3.2 video-to-video takes the same controls on fal and on Oxen (which serves fal's
// model); only the media fields' names differ. One definition keeps the two from drifting.

export const VIDEO_TO_VIDEO_CONTROL_FIELDS: readonly FieldInfo[] = [
  RESOLUTION_FIELD('540p'),
  DURATION_FIELD,
  field({ name: 'edit_strength', type: 'enum', options: EDIT_STRENGTHS }),
  field({ name: 'auto_controls', type: 'boolean', default: false }),
  HDR_FIELD,
  EXR_FIELD,
];

export const videoToVideoControlShape = {
  resolution: resolutionSchema.default('540p'),
  duration: durationSchema.default('5s'),
  edit_strength: editStrengthSchema.optional(),
  auto_controls: z.boolean().default(false),
  hdr: z.boolean().default(false),
  exr_export: z.boolean().default(false),
};

/** HDR needs 720p/1080p, EXR needs HDR, and auto_controls excludes edit_strength. */
export function videoToVideoRules(input: Record<string, unknown>): RequestIssue[] {
  const issues = hdrRules(input, '540p');
  if (input.auto_controls === true && input.edit_strength !== undefined) {
    issues.push({
      path: ['edit_strength'],
      code: 'auto_controls_exclusive',
      message: 'edit_strength cannot be combined with auto_controls',
    });
  }
  return issues;
}
