import { promptToClipDefinition } from './prompt-to-clip.js';

/** fal `luma/agent/ray/v3.2/image-to-video` (seed 002): SDR only, with loop. */
export const falImageToVideo = promptToClipDefinition('fal/luma-ray-3.2/image-to-video', { image: true, loopDefault: false });
