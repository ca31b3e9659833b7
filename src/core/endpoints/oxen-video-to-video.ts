import * as z from 'zod/mini';
import { field } from './fields.js';
import { prompt } from './luma-ray-fields.js';
import { videoToVideoDefinition } from './video-to-video.js';

const MODEL_ID = 'luma-ray-v3-2-video-to-video';

/**
 * Oxen `luma-ray-v3-2-video-to-video` (seed 001): fal's model behind Oxen's API, with Oxen's
 * field names (`input_video`, `input_image`) and its `model` field in the body. Both media
 * fields are documented as "Format: uri".
 */
export const oxenVideoToVideo = videoToVideoDefinition('oxen/luma-ray-3.2/video-to-video', () => ({
  model: field(z.optional(z.literal(MODEL_ID)), { description: 'the Oxen model id' }),
  prompt: prompt('how to edit the source video'),
  input_video: field(z.url(), { description: 'URI of the source video to edit' }),
  input_image: field(z.optional(z.url()), { description: "URI of an image to use as the edited video's first frame" }),
}));
