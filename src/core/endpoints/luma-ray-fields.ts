import * as z from 'zod/mini';
import { field, withDefault } from './fields.js';

// Fields every Luma Ray 3.2 endpoint in the seeds shares, each defined once with its options,
// default and whether it sets the price. An endpoint's model picks the ones its page lists.
// Each is a function, called when a model's schemas are first built (request-model.ts), so that
// loading the endpoints builds no zod type.

export const RAY_RESOLUTIONS = ['540p', '720p', '1080p'] as const;
const EDIT_STRENGTHS = [
  'adhere_1', 'adhere_2', 'adhere_3',
  'flex_1', 'flex_2', 'flex_3',
  'reimagine_1', 'reimagine_2', 'reimagine_3',
] as const;
const ASPECT_RATIOS = [
  '3:1', '2:1', '21:9', '16:9', '4:3', '3:2', '1:1', '3:4', '2:3', '9:16', '1:2', '1:3',
] as const;

export const prompt = (description: string) => field(z.string(), { description });
export const mediaUrl = (description: string) => field(z.string(), { description });
export const optionalMediaUrl = (description: string) => field(z.optional(z.string()), { description });

export const resolution = (fallback: (typeof RAY_RESOLUTIONS)[number]) =>
  field(withDefault(z.enum(RAY_RESOLUTIONS), fallback), { description: 'output resolution', priced: true });

export const clipDuration = () => field(withDefault(z.enum(['5s', '10s']), '5s'), { description: 'clip duration', priced: true });

export const hdr = () => field(withDefault(z.boolean(), false), { description: 'an HDR-encoded MP4 (needs HDR access and 720p or 1080p)', priced: true });

export const exrExport = () => field(withDefault(z.boolean(), false), {
  description: 'also export an EXR file beside the MP4 (needs hdr)', priced: true, flag: 'exr',
});

export const aspectRatio = () => field(withDefault(z.enum(ASPECT_RATIOS), '16:9'), { description: 'aspect ratio of the generated video' });

export const editStrength = () => field(z.optional(z.enum(EDIT_STRENGTHS)), {
  description: "how closely the edit preserves the source: 'adhere_*' closest, 'flex_*' balanced, 'reimagine_*' furthest",
});

export const referenceImageUrls = () => field(z.optional(z.array(z.string())), { description: 'reference image URLs that guide the generation' });
