import * as z from 'zod/mini';
import type { RequestIssue } from '../errors/invalid-request-error.js';
import { field, withDefault } from './fields.js';
import { editStrength, exrExport, hdr, resolution } from './luma-ray-fields.js';
import { hdrIssues } from './luma-ray-rules.js';
import { NONE, type RequestModelDefinition } from './request-model.js';

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

/** A string has at most as many code points as UTF-16 units: count only when it could matter. */
const promptLength = (text: string): number => (text.length > 6000 ? codePointLength(text) : text.length);
// A `z.refine()` predicate, not a `.check()` function: z.compile calls a predicate inline, where
// a check function goes through a helper that builds a stand-in payload on every parse (~10% of
// an edit line). The message is made only for a prompt that fails, from the same length.
const promptSchema = () => z.string().check(z.refine((text) => {
  const length = promptLength(text);
  return length >= 1 && length <= 6000;
}, { error: (issue) => `prompt must be 1-6000 characters (got ${promptLength(issue.input as string)})` }));
const unitInterval = (description: string) => field(z.optional(z.number().check(z.gte(0), z.lte(1))), { description });
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

function editRules(input: Record<string, unknown>, mode: 'quote' | 'strict'): readonly RequestIssue[] {
  let issues = hdrIssues(input);
  if (input.edit_auto_controls === true) {
    for (const [name, isSet] of PER_SIGNAL_CONTROLS) {
      if (isSet(input[name])) {
        (issues ??= []).push({
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
    (issues ??= []).push({
      path: ['source_data'],
      code: 'two_sources',
      message: 'give source_generation_id or source_data, not both',
    });
  }
  if (typeof input.source_data === 'string' && inline && !isBase64(input.source_data)) {
    (issues ??= []).push({ path: ['source_data'], code: 'not_base64', message: 'source_data must be base64 (no data: prefix)' });
  }
  if (mode === 'strict') {
    if (!byId && !inline) {
      (issues ??= []).push({
        path: ['source_generation_id'],
        code: 'no_source',
        message: 'source_generation_id is required unless source_data is given',
      });
    }
    if (inline && !present(input.source_media_type)) {
      (issues ??= []).push({
        path: ['source_media_type'],
        code: 'no_media_type',
        message: 'source_media_type is required with source_data (e.g. video/mp4)',
      });
    }
  }
  return issues ?? NONE;
}

function editMissing(input: Record<string, unknown>): readonly string[] {
  let missing: string[] | undefined;
  if (input.model === undefined) (missing ??= []).push('model');
  if (input.prompt === undefined) (missing ??= []).push('prompt');
  if (!present(input.source_generation_id) && !present(input.source_data)) (missing ??= []).push('source_generation_id');
  if (present(input.source_data) && !present(input.source_media_type)) (missing ??= []).push('source_media_type');
  return missing ?? NONE;
}

/** GMI Cloud `luma-ray-3-2-edit` (seed 003): billed per 5 s block of the source, rounded up. */
export const gmiEdit: RequestModelDefinition = {
  id: 'gmi/luma-ray-3.2/edit',
  billing: 'per_block',
  fields: () => ({
    model: field(z.literal(MODEL_ID), { description: 'the GMI Cloud model id' }),
    prompt: field(promptSchema(), { description: 'how to transform the source video, 1-6000 characters', minLength: 1, maxLength: 6000 }),
    source_generation_id: field(withDefault(z.string(), ''), { description: 'id of a prior completed video owned by the same API key, 30 s or shorter (required unless source_data is given)' }),
    resolution: resolution('720p'),
    edit_auto_controls: field(z.optional(z.boolean()), { description: 'the model derives the conditioning schedule from the source (not with edit_strength or the per-signal controls)' }),
    edit_strength: editStrength(),
    pose_strength: field(withDefault(z.nullable(z.enum(POSE_STRENGTHS)), 'None'), { description: 'pose conditioning (None: not applied)' }),
    depth_blur: unitInterval('depth conditioning, 0-1 (unset: not applied)'),
    normals_augmentation: unitInterval('surface-normals conditioning, 0-1 (unset: not applied)'),
    trajectory_sparsity: unitInterval('motion-trajectory conditioning, 0-1 (unset: not applied)'),
    face_enabled: field(withDefault(z.boolean(), false), { description: 'face-identity conditioning' }),
    hdr: hdr(),
    exr_export: exrExport(),
    start_frame_url: field(z.optional(z.string()), { description: 'a single guide frame (JPEG, PNG or WebP)' }),
    source_data: field(withDefault(z.string(), ''), { description: 'the source video inline, as base64 (30 s or shorter)', contentEncoding: 'base64' }),
    source_media_type: field(withDefault(z.string(), ''), { description: 'MIME type of source_data, e.g. video/mp4' }),
    aspect_ratio: field(z.optional(z.unknown()), {
      description: "derived from the source; ignored if set",
      ignored: 'aspect_ratio is ignored by luma-ray-3-2-edit: the output keeps the source video\'s aspect ratio',
    }),
  }),
  rules: editRules,
  missing: editMissing,
  maxSourceField: 'source_data',
  source: (input) => {
    if (present(input.source_data) && typeof input.source_data === 'string') {
      return { kind: 'inline', data: input.source_data, mediaType: String(input.source_media_type ?? '') };
    }
    if (present(input.source_generation_id)) return { kind: 'reference', field: 'source_generation_id' };
    return { kind: 'none' };
  },
};
