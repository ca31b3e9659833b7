// fal-budget/mp4: the exact length of an MP4 edit source, read with mp4box.js (any runtime). Opt-in,
// because mp4box is 180 KB: pass probeInlineMp4 to quote() or createBudgetGuard() as `probeSource`
// to measure an inline `source_data`, or readMp4Seconds(bytes) a file you hold.
export { readMp4Seconds, probeInlineMp4, type Mp4Seconds } from './media/mp4-seconds.js';
