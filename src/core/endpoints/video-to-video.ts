import * as z from 'zod/mini';
import type { RequestIssue } from '../errors/invalid-request-error.js';
import { field, withDefault } from './fields.js';
import { clipDuration, editStrength, exrExport, hdr, resolution } from './luma-ray-fields.js';
import { hdrIssues } from './luma-ray-rules.js';
import { NONE, type RequestModelDefinition } from './request-model.js';

// Luma Ray 3.2 video-to-video takes the same controls on fal and on Oxen (which serves fal's
// model); only the media fields' names differ. One factory keeps the two from drifting.

const controls = () => ({
  resolution: resolution('540p'),
  duration: clipDuration(),
  edit_strength: editStrength(),
  auto_controls: field(withDefault(z.boolean(), false), { description: 'let the model derive the edit conditioning from the source (not with edit_strength)' }),
  hdr: hdr(),
  exr_export: exrExport(),
});

/** HDR needs 720p/1080p, EXR needs HDR, and auto_controls excludes edit_strength. */
function videoToVideoRules(parsed: Record<string, unknown>): readonly RequestIssue[] {
  let issues = hdrIssues(parsed);
  if (parsed.auto_controls === true && parsed.edit_strength !== undefined) {
    (issues ??= []).push({
      path: ['edit_strength'],
      code: 'auto_controls_exclusive',
      message: 'edit_strength cannot be combined with auto_controls',
    });
  }
  return issues ?? NONE;
}

/** A video-to-video model: the provider's own media fields first, then the shared controls. */
export function videoToVideoDefinition(id: string, media: () => z.core.$ZodShape): RequestModelDefinition {
  return {
    id,
    billing: 'per_clip',
    fields: () => ({ ...media(), ...controls() }),
    rules: videoToVideoRules,
  };
}
