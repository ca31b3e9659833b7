import * as z from 'zod/mini';
import { field, withDefault } from './fields.js';
import { aspectRatio, clipDuration, mediaUrl, prompt, referenceImageUrls, resolution } from './luma-ray-fields.js';
import { loopRule } from './luma-ray-rules.js';
import type { RequestModelDefinition } from './request-model.js';

/**
 * fal's image-to-video and text-to-video share their definition: a prompt (and, for
 * image-to-video, the image it starts from), aspect ratio, resolution, duration and loop.
 */
export function promptToClipDefinition(id: string, spec: { readonly image: boolean; readonly loopDefault: boolean | undefined }): RequestModelDefinition {
  return {
    id,
    billing: 'per_clip',
    fields: () => ({
      prompt: prompt(spec.image ? 'the motion or scene to generate' : 'the video to generate'),
      ...(spec.image ? { image_url: mediaUrl('URL of the first frame: the image the video animates') } : {}),
      aspect_ratio: aspectRatio(),
      resolution: resolution('540p'),
      duration: clipDuration(),
      loop: field(spec.loopDefault === undefined ? z.optional(z.boolean()) : withDefault(z.boolean(), spec.loopDefault), {
        description: 'loop the video seamlessly (not with 10s)', flag: 'loop',
      }),
      reference_image_urls: referenceImageUrls(),
    }),
    rules: loopRule,
  };
}
