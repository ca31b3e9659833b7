import { z } from 'zod';
import type { RequestIssue } from '../errors/index.js';
import { RESOLUTIONS, DURATIONS, type FieldInfo, type Resolution } from './request-model.js';

// Enums shared by every Luma Ray 3.2 endpoint in the seeds.
export const resolutionSchema = z.enum(RESOLUTIONS);
export const durationSchema = z.enum(DURATIONS);
export const EDIT_STRENGTHS = [
  'adhere_1', 'adhere_2', 'adhere_3',
  'flex_1', 'flex_2', 'flex_3',
  'reimagine_1', 'reimagine_2', 'reimagine_3',
] as const;
export const editStrengthSchema = z.enum(EDIT_STRENGTHS);
export const ASPECT_RATIOS = [
  '3:1', '2:1', '21:9', '16:9', '4:3', '3:2', '1:1', '3:4', '2:3', '9:16', '1:2', '1:3',
] as const;
export const aspectRatioSchema = z.enum(ASPECT_RATIOS);

const HDR_RESOLUTIONS: readonly Resolution[] = ['720p', '1080p'];

export function resolutionOrDefault(input: Record<string, unknown>, fallback: Resolution): Resolution | undefined {
  const value = input.resolution ?? fallback;
  return (RESOLUTIONS as readonly unknown[]).includes(value) ? (value as Resolution) : undefined;
}

/** HDR needs 720p or 1080p; an EXR export needs HDR. Shared by every HDR-capable endpoint. */
export function hdrRules(input: Record<string, unknown>, defaultResolution: Resolution): RequestIssue[] {
  const issues: RequestIssue[] = [];
  const resolution = resolutionOrDefault(input, defaultResolution);
  if (input.hdr === true && resolution !== undefined && !HDR_RESOLUTIONS.includes(resolution)) {
    issues.push({
      path: ['hdr'],
      code: 'hdr_resolution',
      message: `hdr requires resolution 720p or 1080p (got ${resolution})`,
    });
  }
  if (input.exr_export === true && input.hdr !== true) {
    issues.push({ path: ['exr_export'], code: 'exr_requires_hdr', message: 'exr_export requires hdr: true' });
  }
  return issues;
}

/** "loop: Not supported for 10s videos." */
export function loopRule(input: Record<string, unknown>): RequestIssue[] {
  if (input.loop === true && input.duration === '10s') {
    return [{ path: ['loop'], code: 'loop_with_10s', message: 'loop is not supported with duration 10s' }];
  }
  return [];
}

/** Fields a quote can do without but the provider requires. */
export function missingFields(input: Record<string, unknown>, names: readonly string[]): string[] {
  return names.filter((name) => input[name] === undefined);
}

export function field(info: Omit<FieldInfo, 'required' | 'priced'> & Partial<Pick<FieldInfo, 'required' | 'priced'>>): FieldInfo {
  return { required: false, priced: false, ...info };
}

export const RESOLUTION_FIELD = (fallback: Resolution) =>
  field({ name: 'resolution', type: 'enum', options: RESOLUTIONS, default: fallback, priced: true });
export const DURATION_FIELD = field({ name: 'duration', type: 'enum', options: DURATIONS, default: '5s', priced: true });
export const HDR_FIELD = field({ name: 'hdr', type: 'boolean', default: false, priced: true });
export const EXR_FIELD = field({ name: 'exr_export', type: 'boolean', default: false, priced: true });
