import { beforeAll, describe, expect, it } from 'vitest';
import { rulesOf } from '../../src/cli/commands/describe.js';
import { requestModels } from '../../src/core/endpoints/index.js';
import { AT, ensureBuilt, failureLine, runCli } from './support/cli.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

beforeAll(() => ensureBuilt());

describe('describe <endpoint>', () => {
  it('prints the fields, which set the price, the rules and the rate card in effect', async () => {
    const result = await runCli(['describe', V2V, '--at', AT]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "luma/agent/ray/v3.2/video-to-video (fal): priced per clip; request model fal/luma-ray-3.2/video-to-video

      Fields:
        Field            Type                 Default  Sets price  Required            Flag                     Description
        prompt           string                                    yes (not to quote)  --set prompt=…           how to edit the source video
        video_url        string                                    yes (not to quote)  --set video_url=…        URL of the source video to edit
        start_image_url  string                                                        --set start_image_url=…  an image to use as the edited video's first frame
        resolution       540p | 720p | 1080p  540p     yes                             --resolution             output resolution
        duration         5s | 10s             5s       yes                             --duration               clip duration
        edit_strength    enum (9 values)                                               --set edit_strength=…    how closely the edit preserves the source: 'adhere_*' closest, 'flex_*' balanced, 'reimagine_*' furthest; one of adhere_1, adhere_2, adhere_3, flex_1, flex_2, flex_3, reimagine_1, reimagine_2, reimagine_3
        auto_controls    boolean              false                                    --set auto_controls=…    let the model derive the edit conditioning from the source (not with edit_strength)
        hdr              boolean              false    yes                             --hdr                    an HDR-encoded MP4 (needs HDR access and 720p or 1080p)
        exr_export       boolean              false    yes                             --exr                    also export an EXR file beside the MP4 (needs hdr)

      Rules:
        - hdr requires resolution 720p or 1080p
        - exr_export requires hdr: true
        - edit_strength cannot be combined with auto_controls

      Rate cards in effect at 2026-11-24T00:00:00.000Z (USD; — = not offered)

      luma/agent/ray/v3.2/video-to-video (fal 2026-11-21, effective 2026-11-21T00:00:00Z)
      ┌─────────┬────────────┬───────┬────────┐
      │ Tier    │ Resolution │    5s │    10s │
      ├─────────┼────────────┼───────┼────────┤
      │ SDR     │ 540p       │ $0.72 │  $1.44 │
      │ SDR     │ 720p       │ $1.08 │  $2.16 │
      │ SDR     │ 1080p      │ $2.16 │  $4.32 │
      │ HDR     │ 540p       │     — │      — │
      │ HDR     │ 720p       │ $2.16 │  $4.32 │
      │ HDR     │ 1080p      │ $4.32 │  $8.64 │
      │ HDR+EXR │ 540p       │     — │      — │
      │ HDR+EXR │ 720p       │ $3.24 │  $6.48 │
      │ HDR+EXR │ 1080p      │ $6.48 │ $12.96 │
      └─────────┴────────────┴───────┴────────┘
      sha256: 8baf36fbbb4c5e1a130f803e3c9c04ea75697c271691ed74ef149ccbd8fec04d
      "
    `);
  });

  it('--json: one document, its fields as the request model defines them, money as decimal strings', async () => {
    const result = await runCli(['describe', 'luma-ray-3-2-edit', '--at', AT, '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc)).toEqual(['currency', 'at', 'endpoint', 'provider', 'request', 'billing', 'source', 'fields', 'ignoredFields', 'rules', 'rateCard']);
    expect(doc).toMatchObject({
      currency: 'USD', at: '2026-11-24T00:00:00.000Z', endpoint: 'luma-ray-3-2-edit', provider: 'gmi', request: 'gmi/luma-ray-3.2/edit',
      billing: { id: 'per_block', label: 'per block of the source' },
      source: { replaces: 'duration' },
      ignoredFields: [{ name: 'aspect_ratio', reason: expect.stringContaining('keeps the source video\'s aspect ratio') }],
    });
    expect(doc.fields.find((field: { name: string }) => field.name === 'resolution')).toEqual({
      name: 'resolution', type: 'enum', options: ['540p', '720p', '1080p'], default: '720p', required: false, priced: true, flag: 'resolution', description: 'output resolution',
    });
    expect(doc.rules).toContainEqual({ code: 'hdr_resolution', fields: ['resolution', 'hdr'], message: 'hdr requires resolution 720p or 1080p', strictOnly: false });
    expect(doc.rateCard.rows[0]).toEqual({ tier: 'SDR', resolution: '540p', prices: expect.objectContaining({ 'per 5 s block': '0.72' }) });
    expect(typeof doc.rateCard.rows[0].prices['per 5 s block']).toBe('string');
  });

  it('--pricing-version pins the card; an unknown endpoint gets did-you-mean, exit 2', async () => {
    const pinned = JSON.parse((await runCli(['describe', V2V, '--pricing-version', '2026-11-21', '--json'])).stdout);
    expect(pinned).toMatchObject({ version: '2026-11-21', rateCard: { version: '2026-11-21' } });
    expect(pinned.at).toBeUndefined();
    expect(failureLine(await runCli(['describe', 'luma/agent/ray/v3.2/text-to-vide', '--at', AT]))).toMatch(/^fal-budget: unknown endpoint "luma\/agent\/ray\/v3\.2\/text-to-vide": did you mean luma\/agent\/ray\/v3\.2\/text-to-video\? /);
  });

  it('--format markdown: a field grid for a pull request', async () => {
    const result = await runCli(['describe', V2V, '--at', AT, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| `hdr` | boolean | false | yes |  | `--hdr` | an HDR-encoded MP4 (needs HDR access and 720p or 1080p) |');
    expect(result.stdout).toContain('- hdr requires resolution 720p or 1080p');
  });
});

describe('rulesOf: the rules found by running them', () => {
  it('finds each model\'s cross-field rules, including ones two fields break together', () => {
    const codes = (id: string) => rulesOf(requestModels.get(id)!).map((rule) => rule.code).sort();
    expect(codes('fal/luma-ray-3.2/video-to-video')).toEqual(['auto_controls_exclusive', 'exr_requires_hdr', 'hdr_resolution']);
    const t2v = rulesOf(requestModels.get('fal/luma-ray-3.2/text-to-video')!);
    expect(t2v).toContainEqual({ code: 'loop_with_10s', fields: ['duration', 'loop'], message: 'loop is not supported with duration 10s', strictOnly: false });
  });
});
