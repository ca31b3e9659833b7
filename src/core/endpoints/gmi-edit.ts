import { z } from 'zod';
import type { RequestIssue } from '../errors/index.js';
import type { RequestModel } from './request-model.js';
import {
  EDIT_STRENGTHS, editStrengthSchema, field, hdrRules, resolutionSchema, RESOLUTION_FIELD, HDR_FIELD, EXR_FIELD,
} from './luma-ray-rules.js';
import { validationLevels } from './schemas.js';

const MODEL_ID = 'luma-ray-3-2-edit';
const POSE_STRENGTHS = ['None', 'precise', 'coarse'] as const;
// Linear-time checks (no repeated group: a backtracking pattern overflows the stack on the
// multi-megabyte strings a 30 s video makes): the alphabet, padding only at the end, whole quads.
const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (text: string): boolean => text.length % 4 === 0 && BASE64_ALPHABET.test(text);

/** "1–6000 characters": counted in Unicode code points, as a person counts characters. */
function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const promptSchema = z.string().check((ctx) => {
  // A string has at most as many code points as UTF-16 units: count only when it could matter.
  const length = ctx.value.length > 6000 ? codePointLength(ctx.value) : ctx.value.length;
  if (length < 1 || length > 6000) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `prompt must be 1-6000 characters (got ${length})`,
    });
  }
});
const unitInterval = z.number().min(0).max(1);
const present = (value: unknown): boolean => value !== undefined && value !== '';

/** The per-signal controls that edit_auto_controls excludes, and when each counts as set. */
const PER_SIGNAL_CONTROLS: ReadonlyArray<[string, (value: unknown) => boolean]> = [
  ['edit_strength', (value) => value !== undefined],
  ['pose_strength', (value) => value !== undefined && value !== null && value !== 'None'],
  ['depth_blur', (value) => value !== undefined],
  ['normals_augmentation', (value) => value !== undefined],
  ['trajectory_sparsity', (value) => value !== undefined],
  ['face_enabled', (value) => value === true],
];

function editRules(input: Record<string, unknown>, mode: 'quote' | 'strict'): RequestIssue[] {
  const issues = hdrRules(input, '720p');
  if (input.edit_auto_controls === true) {
    for (const [name, isSet] of PER_SIGNAL_CONTROLS) {
      if (isSet(input[name])) {
        issues.push({
          path: [name],
          code: 'auto_controls_exclusive',
          message: `${name} cannot be combined with edit_auto_controls`,
        });
      }
    }
  }
  const byId = present(input.source_generation_id);
  const inline = present(input.source_data);
  if (byId && inline) {
    issues.push({
      path: ['source_data'],
      code: 'two_sources',
      message: 'give source_generation_id or source_data, not both',
    });
  }
  if (typeof input.source_data === 'string' && inline && !isBase64(input.source_data)) {
    issues.push({ path: ['source_data'], code: 'not_base64', message: 'source_data must be base64 (no data: prefix)' });
  }
  if (mode === 'strict') {
    if (!byId && !inline) {
      issues.push({
        path: ['source_generation_id'],
        code: 'no_source',
        message: 'source_generation_id is required unless source_data is given',
      });
    }
    if (inline && !present(input.source_media_type)) {
      issues.push({
        path: ['source_media_type'],
        code: 'no_media_type',
        message: 'source_media_type is required with source_data (e.g. video/mp4)',
      });
    }
  }
  return issues;
}

function editMissing(input: Record<string, unknown>): string[] {
  const missing: string[] = [];
  if (input.model === undefined) missing.push('model');
  if (input.prompt === undefined) missing.push('prompt');
  if (!present(input.source_generation_id) && !present(input.source_data)) missing.push('source_generation_id');
  if (present(input.source_data) && !present(input.source_media_type)) missing.push('source_media_type');
  return missing;
}

/** GMI Cloud `luma-ray-3-2-edit` (seed 003): billed per 5 s block of the source, rounded up. */
export const gmiEdit: RequestModel = {
  id: 'gmi/luma-ray-3.2/edit',
  billing: 'per_block',
  tiers: ['sdr', 'hdr', 'hdr_exr'],
  maxSourceField: 'source_data',
  fields: [
    field({ name: 'model', type: 'enum', options: [MODEL_ID], required: true }),
    field({ name: 'prompt', type: 'string', required: true }),
    field({ name: 'source_generation_id', type: 'string' }),
    RESOLUTION_FIELD('720p'),
    field({ name: 'edit_auto_controls', type: 'boolean' }),
    field({ name: 'edit_strength', type: 'enum', options: EDIT_STRENGTHS }),
    field({ name: 'pose_strength', type: 'enum', options: POSE_STRENGTHS, default: 'None' }),
    field({ name: 'depth_blur', type: 'number' }),
    field({ name: 'normals_augmentation', type: 'number' }),
    field({ name: 'trajectory_sparsity', type: 'number' }),
    field({ name: 'face_enabled', type: 'boolean', default: false }),
    HDR_FIELD,
    EXR_FIELD,
    field({ name: 'start_frame_url', type: 'string' }),
    field({ name: 'source_data', type: 'string' }),
    field({ name: 'source_media_type', type: 'string' }),
  ],
  ignoredFields: {
    aspect_ratio: 'aspect_ratio is ignored by luma-ray-3-2-edit: the output keeps the source video\'s aspect ratio',
  },
  ...validationLevels(
    {
      model: z.literal(MODEL_ID),
      prompt: promptSchema,
      source_generation_id: z.string().default(''),
      resolution: resolutionSchema.default('720p'),
      edit_auto_controls: z.boolean().optional(),
      edit_strength: editStrengthSchema.optional(),
      pose_strength: z.enum(POSE_STRENGTHS).nullable().default('None'),
      depth_blur: unitInterval.optional(),
      normals_augmentation: unitInterval.optional(),
      trajectory_sparsity: unitInterval.optional(),
      face_enabled: z.boolean().default(false),
      hdr: z.boolean().default(false),
      exr_export: z.boolean().default(false),
      start_frame_url: z.string().optional(),
      source_data: z.string().default(''),
      source_media_type: z.string().default(''),
      aspect_ratio: z.unknown().optional(),
    },
    ['model', 'prompt'],
  ),
  rules: editRules,
  missing: editMissing,
  source: (input) => {
    if (present(input.source_data) && typeof input.source_data === 'string') {
      return { kind: 'inline', data: input.source_data, mediaType: String(input.source_media_type ?? '') };
    }
    if (present(input.source_generation_id)) return { kind: 'reference', field: 'source_generation_id' };
    return { kind: 'none' };
  },
};
