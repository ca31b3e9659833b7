import type { RequestIssue } from '../errors/invalid-request-error.js';
import { NONE } from './request-model.js';

// Rules across fields, shared by the Luma Ray 3.2 endpoints. They run on the parsed request,
// where zod has applied the defaults, so no default is repeated here.

const HDR_RESOLUTIONS: readonly unknown[] = ['720p', '1080p'];

/**
 * HDR needs 720p or 1080p; an EXR export needs HDR, as a list to add other rules' issues to.
 * Undefined when nothing is broken: a request that passes allocates no list.
 */
export function hdrIssues(parsed: Record<string, unknown>): RequestIssue[] | undefined {
  let issues: RequestIssue[] | undefined;
  if (parsed.hdr === true && !HDR_RESOLUTIONS.includes(parsed.resolution)) {
    (issues ??= []).push({
      path: ['hdr'],
      code: 'hdr_resolution',
      message: `hdr requires resolution 720p or 1080p (got ${String(parsed.resolution)})`,
    });
  }
  if (parsed.exr_export === true && parsed.hdr !== true) {
    (issues ??= []).push({ path: ['exr_export'], code: 'exr_requires_hdr', message: 'exr_export requires hdr: true' });
  }
  return issues;
}

/** The HDR rules as a model's `rules`: shared by every HDR-capable endpoint. */
export function hdrRules(parsed: Record<string, unknown>): readonly RequestIssue[] {
  return hdrIssues(parsed) ?? NONE;
}

/** "loop: Not supported for 10s videos." */
export function loopRule(parsed: Record<string, unknown>): readonly RequestIssue[] {
  if (parsed.loop === true && parsed.duration === '10s') {
    return [{ path: ['loop'], code: 'loop_with_10s', message: 'loop is not supported with duration 10s' }];
  }
  return NONE;
}
