import { promptToClipDefinition } from './prompt-to-clip.js';

/** fal `luma/agent/ray/v3.2/text-to-video` (seed 004): SDR only; loop has no stated default. */
export const falTextToVideo = promptToClipDefinition('fal/luma-ray-3.2/text-to-video', { image: false, loopDefault: undefined });
