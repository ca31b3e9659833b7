import { mediaUrl, optionalMediaUrl, prompt } from './luma-ray-fields.js';
import { videoToVideoDefinition } from './video-to-video.js';

/** fal `luma/agent/ray/v3.2/video-to-video` (seed 000). */
export const falVideoToVideo = videoToVideoDefinition('fal/luma-ray-3.2/video-to-video', () => ({
  prompt: prompt('how to edit the source video'),
  video_url: mediaUrl('URL of the source video to edit'),
  start_image_url: optionalMediaUrl("an image to use as the edited video's first frame"),
}));
