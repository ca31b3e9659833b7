import { describe, expect, it } from 'vitest';
import { InvalidRequestError, quote, type Quote } from '../../src/index.js';

const AT = '2026-11-24T12:00:00Z';
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const I2V = 'luma/agent/ray/v3.2/image-to-video';
const T2V = 'luma/agent/ray/v3.2/text-to-video';
const OXEN = 'luma-ray-v3-2-video-to-video';
const EDIT = 'luma-ray-3-2-edit';

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as InvalidRequestError).issues.map((issue) => ({ path: issue.path.join('.'), code: issue.code }));
  }
  throw new Error('expected an InvalidRequestError');
}
/** The issues as they are, message included: plain copies, so an extra key fails the comparison. */
function rawIssuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as InvalidRequestError).issues.map((issue) => ({ ...issue }));
  }
  throw new Error('expected an InvalidRequestError');
}
const codes = (result: Quote) => result.warnings.map((warning) => warning.code);

describe('fal video-to-video request model (seed 000)', () => {
  const complete = { prompt: 'watercolor', video_url: 'https://x/v.mp4' };

  it('names every offending field by its path, all at once', () => {
    expect(issuesOf(() => quote(V2V, { resolution: '4k', duration: 5, hdr: 'yes', edit_strength: 'strong' }, { at: AT }))).toEqual([
      { path: 'resolution', code: 'invalid_value' },
      { path: 'duration', code: 'invalid_value' },
      { path: 'edit_strength', code: 'invalid_value' },
      { path: 'hdr', code: 'invalid_type' },
    ]);
  });

  it('exr_export needs hdr', () => {
    expect(issuesOf(() => quote(V2V, { resolution: '1080p', exr_export: true }, { at: AT }))).toEqual([{ path: 'exr_export', code: 'exr_requires_hdr' }]);
  });

  it('auto_controls cannot be combined with edit_strength', () => {
    expect(issuesOf(() => quote(V2V, { auto_controls: true, edit_strength: 'flex_2' }, { at: AT }))).toEqual([{ path: 'edit_strength', code: 'auto_controls_exclusive' }]);
    expect(quote(V2V, { auto_controls: false, edit_strength: 'flex_2' }, { at: AT }).total).toBe('0.72');
  });

  it('a quote needs only the price fields and says the request is incomplete', () => {
    const result = quote(V2V, { resolution: '720p' }, { at: AT });
    expect(result.warnings).toContainEqual({
      code: 'incomplete_request',
      message: 'incomplete request: prompt, video_url are required by the provider but not needed for the price',
    });
    expect(codes(quote(V2V, complete, { at: AT }))).toEqual([]);
  });

  it('strict validation demands the complete request', () => {
    expect(() => quote(V2V, {}, { at: AT, strict: true })).toThrowErrorMatchingInlineSnapshot(`[InvalidRequestError: invalid request for luma/agent/ray/v3.2/video-to-video: prompt: required; video_url: required]`);
    expect(issuesOf(() => quote(V2V, { resolution: '720p' }, { at: AT, strict: true }))).toEqual([
      { path: 'prompt', code: 'invalid_type' },
      { path: 'video_url', code: 'invalid_type' },
    ]);
    expect(quote(V2V, complete, { at: AT, strict: true }).total).toBe('0.72');
  });

  it('an unknown field is a warning on the quote, not an error', () => {
    const result = quote(V2V, { ...complete, seed: 42, loop: true }, { at: AT, strict: true });
    expect(result.warnings.filter((warning) => warning.code === 'unknown_field').map((warning) => warning.path)).toEqual([['seed'], ['loop']]);
  });

  it('field names that are also Object.prototype members are plain unknown fields', () => {
    const input = JSON.parse('{"constructor": 1, "toString": "x", "__proto__": {"hdr": true}, "hasOwnProperty": null}');
    const result = quote(V2V, input, { at: AT });
    expect(result.total).toBe('0.72');
    expect(result.warnings.filter((warning) => warning.code === 'unknown_field')).toEqual(
      ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((key) => ({
        code: 'unknown_field', path: [key], message: `${key} is not a field of ${V2V}; the provider will ignore it`,
      })),
    );
  });

  it('the request must be an object', () => {
    for (const input of [null, [], 'x', 3, undefined]) {
      expect(issuesOf(() => quote(V2V, input, { at: AT }))).toEqual([{ path: '', code: 'invalid_type' }]);
    }
  });
});

describe('Oxen video-to-video request model (seed 001): Oxen field names', () => {
  it('takes input_video / input_image (URIs) and an optional model field', () => {
    const input = { model: OXEN, prompt: 'p', input_video: 'https://hub.oxen.ai/v.mp4', input_image: 'https://hub.oxen.ai/i.png', resolution: '1080p' };
    expect(quote(OXEN, input, { at: AT, strict: true }).total).toBe('2.16');
  });

  it('refuses fal field names at strict level, and a wrong model id', () => {
    expect(issuesOf(() => quote(OXEN, { prompt: 'p', video_url: 'https://x/v.mp4' }, { at: AT, strict: true }))).toEqual([{ path: 'input_video', code: 'invalid_type' }]);
    expect(issuesOf(() => quote(OXEN, { model: 'other', input_video: 'https://x/v.mp4' }, { at: AT }))).toEqual([{ path: 'model', code: 'invalid_value' }]);
    expect(issuesOf(() => quote(OXEN, { input_video: 'not a uri' }, { at: AT }))).toEqual([{ path: 'input_video', code: 'invalid_format' }]);
  });

  it('applies the same HDR and auto_controls rules as fal', () => {
    expect(issuesOf(() => quote(OXEN, { hdr: true }, { at: AT }))).toEqual([{ path: 'hdr', code: 'hdr_resolution' }]);
    expect(issuesOf(() => quote(OXEN, { auto_controls: true, edit_strength: 'adhere_1' }, { at: AT }))).toEqual([{ path: 'edit_strength', code: 'auto_controls_exclusive' }]);
  });
});

describe.each([I2V, T2V])('%s request model (seeds 002, 004)', (endpoint) => {
  it('loop is not allowed with 10s', () => {
    expect(issuesOf(() => quote(endpoint, { loop: true, duration: '10s' }, { at: AT }))).toEqual([{ path: 'loop', code: 'loop_with_10s' }]);
    expect(quote(endpoint, { loop: true, duration: '5s' }, { at: AT }).total).toBe('0.50');
  });

  it('has no HDR: hdr is an unknown field (warned) and the price is SDR', () => {
    const result = quote(endpoint, { hdr: true, resolution: '1080p' }, { at: AT });
    expect(result.total).toBe('2.00');
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'unknown_field', path: ['hdr'] }));
  });

  it('validates aspect_ratio and reference_image_urls', () => {
    expect(issuesOf(() => quote(endpoint, { aspect_ratio: '5:4', reference_image_urls: 'x' }, { at: AT }))).toEqual([
      { path: 'aspect_ratio', code: 'invalid_value' },
      { path: 'reference_image_urls', code: 'invalid_type' },
    ]);
  });
});

it('image-to-video needs image_url at strict level; text-to-video does not', () => {
  expect(issuesOf(() => quote(I2V, { prompt: 'p' }, { at: AT, strict: true }))).toEqual([{ path: 'image_url', code: 'invalid_type' }]);
  expect(quote(T2V, { prompt: 'p' }, { at: AT, strict: true }).total).toBe('0.50');
});

describe('GMI edit request model (seed 003)', () => {
  const base = { model: EDIT, prompt: 'moonlit film', source_generation_id: 'gen-1' };
  const strictly = (input: object) => quote(EDIT, input, { at: AT, strict: true, sourceSeconds: '10' });

  it('accepts the complete request', () => {
    expect(strictly(base).total).toBe('2.16');
  });

  it('prompt is 1-6000 characters, counted as characters, not UTF-16 units', () => {
    expect(issuesOf(() => strictly({ ...base, prompt: '' }))).toEqual([{ path: 'prompt', code: 'custom' }]);
    expect(issuesOf(() => strictly({ ...base, prompt: 'x'.repeat(6001) }))).toEqual([{ path: 'prompt', code: 'custom' }]);
    expect(strictly({ ...base, prompt: 'x'.repeat(6000) }).total).toBe('2.16');
    expect(strictly({ ...base, prompt: '🎬'.repeat(6000) }).total).toBe('2.16');
  });

  it('a prompt out of range is reported with its length in characters, in the same words on every path', () => {
    const cases: Array<[string, number]> = [['', 0], ['x'.repeat(6001), 6001], ['🎬'.repeat(6001), 6001], ['é'.repeat(7000), 7000]];
    for (const [prompt, length] of cases) {
      const message = `prompt must be 1-6000 characters (got ${length})`;
      // More than once: the first parse is the plain schema's, later ones z.compile's (which hands a rejected input back to it).
      for (let round = 0; round < 3; round += 1) {
        expect(rawIssuesOf(() => strictly({ ...base, prompt }))).toStrictEqual([{ path: ['prompt'], code: 'custom', message }]);
      }
      expect(() => strictly({ ...base, prompt })).toThrow(`invalid request for luma-ray-3-2-edit: prompt: ${message}`);
    }
  });

  it('model must be luma-ray-3-2-edit', () => {
    expect(issuesOf(() => strictly({ ...base, model: 'luma-ray-3-2-generate' }))).toEqual([{ path: 'model', code: 'invalid_value' }]);
    expect(issuesOf(() => strictly({ prompt: 'p', source_generation_id: 'g' }))).toEqual([{ path: 'model', code: 'invalid_value' }]);
    expect(() => strictly({ prompt: 'p', source_generation_id: 'g' })).toThrow('invalid request for luma-ray-3-2-edit: model: required');
  });

  it('edit_auto_controls excludes edit_strength and every per-signal control', () => {
    const input = {
      ...base, edit_auto_controls: true, edit_strength: 'flex_1', pose_strength: 'precise', depth_blur: 0.5,
      normals_augmentation: 0, trajectory_sparsity: 1, face_enabled: true,
    };
    expect(issuesOf(() => strictly(input)).map((issue) => issue.path)).toEqual([
      'edit_strength', 'pose_strength', 'depth_blur', 'normals_augmentation', 'trajectory_sparsity', 'face_enabled',
    ]);
    // Their "not applied" values do not conflict.
    expect(strictly({ ...base, edit_auto_controls: true, pose_strength: 'None', face_enabled: false }).total).toBe('2.16');
    // Without auto controls they combine freely.
    expect(strictly({ ...base, edit_strength: 'flex_1', pose_strength: 'coarse', depth_blur: 0.2 }).total).toBe('2.16');
  });

  it('per-signal floats are 0-1', () => {
    expect(issuesOf(() => strictly({ ...base, depth_blur: 1.5, normals_augmentation: -0.1, trajectory_sparsity: '0.5' }))).toEqual([
      { path: 'depth_blur', code: 'too_big' },
      { path: 'normals_augmentation', code: 'too_small' },
      { path: 'trajectory_sparsity', code: 'invalid_type' },
    ]);
  });

  it('the source is a generation id or inline base64 with a media type, not both', () => {
    expect(issuesOf(() => strictly({ model: EDIT, prompt: 'p' }))).toEqual([{ path: 'source_generation_id', code: 'no_source' }]);
    expect(issuesOf(() => strictly({ ...base, source_data: 'AAAA', source_media_type: 'video/mp4' }))).toEqual([{ path: 'source_data', code: 'two_sources' }]);
    expect(issuesOf(() => strictly({ model: EDIT, prompt: 'p', source_data: 'AAAA' }))).toEqual([{ path: 'source_media_type', code: 'no_media_type' }]);
    expect(issuesOf(() => strictly({ model: EDIT, prompt: 'p', source_data: 'data:video/mp4;base64,AAAA', source_media_type: 'video/mp4' }))).toEqual([
      { path: 'source_data', code: 'not_base64' },
    ]);
  });

  it('aspect_ratio is accepted and ignored, with a warning', () => {
    expect(strictly({ ...base, aspect_ratio: '21:9' }).warnings).toContainEqual(expect.objectContaining({ code: 'ignored_field', path: ['aspect_ratio'] }));
  });

  it('a quote without prompt, model or source prices at the upper bound and says what is missing', () => {
    const result = quote(EDIT, { resolution: '1080p' }, { at: AT });
    expect(result.total).toBe('12.96');
    expect(result.upperBound).toBe(true);
    expect(result.warnings.find((warning) => warning.code === 'incomplete_request')?.message).toBe(
      'incomplete request: model, prompt, source_generation_id are required by the provider but not needed for the price',
    );
  });
});
