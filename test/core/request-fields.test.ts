import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { quote, requestModels, type FieldInfo } from '../../src/index.js';
import { field } from '../../src/core/endpoints/fields.js';
import { hdrRules } from '../../src/core/endpoints/luma-ray-rules.js';
import { defineRequestModel, requestFieldInfos, type RequestModelDefinition } from '../../src/core/endpoints/request-model.js';
import { REQUEST_MODEL_DEFINITIONS } from '../../src/core/endpoints/definitions.js';
import { REQUEST_FIELDS } from '../../src/core/endpoints/request-fields.generated.js';
import { FIELD_FLAGS } from '../../src/cli/commands/request-from-flags.js';

const AT = '2026-11-24T12:00:00Z';
const model = (id: string) => requestModels.get(id)!;
const byName = (fields: readonly FieldInfo[]) => Object.fromEntries(fields.map((info) => [info.name, info]));

describe('one definition per field: the field list and the JSON Schema are derived from the zod model', () => {
  it.each([...requestModels.keys()])('%s: every field has its type, options, default and description in the JSON Schema', (id) => {
    const request = model(id);
    const schema = request.jsonSchema() as { properties: Record<string, Record<string, unknown>>; required?: string[] };
    expect(Object.keys(schema.properties)).toEqual([...request.fields.map((info) => info.name), ...Object.keys(request.ignoredFields)]);
    expect(schema.required ?? []).toEqual(request.fields.filter((info) => info.required).map((info) => info.name));
    for (const info of request.fields) {
      const property = schema.properties[info.name]!;
      expect(property.description, info.name).toBe(info.description);
      expect(property.default, info.name).toEqual(info.default);
      if (info.options) expect(JSON.stringify(property), info.name).toContain(JSON.stringify(info.options.length === 1 ? info.options[0] : info.options));
      if (info.priced) expect(property.priced, info.name).toBe(true);
    }
  });

  it('reads what the seed pages say: required fields, defaults and options', () => {
    const v2v = byName(model('fal/luma-ray-3.2/video-to-video').fields);
    expect(v2v.resolution).toMatchObject({ type: 'enum', options: ['540p', '720p', '1080p'], default: '540p', priced: true, required: false, flag: 'resolution' });
    expect(v2v.exr_export).toMatchObject({ type: 'boolean', default: false, priced: true, flag: 'exr' });
    expect(v2v.prompt).toMatchObject({ type: 'string', required: true, priced: false });
    expect(v2v.prompt).not.toHaveProperty('flag');
    const edit = byName(model('gmi/luma-ray-3.2/edit').fields);
    expect(edit.resolution).toMatchObject({ default: '720p' });
    expect(edit.model).toMatchObject({ type: 'enum', options: ['luma-ray-3-2-edit'], required: true });
    expect(edit.pose_strength).toMatchObject({ options: ['None', 'precise', 'coarse'], default: 'None' });
    expect(edit).not.toHaveProperty('aspect_ratio');
    expect(model('gmi/luma-ray-3.2/edit').ignoredFields).toHaveProperty('aspect_ratio');
    expect(byName(model('fal/luma-ray-3.2/image-to-video').fields).loop).toMatchObject({ default: false, flag: 'loop' });
    expect(byName(model('fal/luma-ray-3.2/text-to-video').fields).loop).not.toHaveProperty('default');
  });

  it('the tiers a model can ask for follow from its fields', () => {
    expect(model('fal/luma-ray-3.2/video-to-video').tiers).toEqual(['sdr', 'hdr', 'hdr_exr']);
    expect(model('fal/luma-ray-3.2/image-to-video').tiers).toEqual(['sdr']);
  });

  it('fal and Oxen video-to-video share their controls, from one factory', () => {
    const controls = (id: string) => model(id).fields.filter((info) => !['prompt', 'video_url', 'start_image_url', 'model', 'input_video', 'input_image'].includes(info.name));
    expect(controls('oxen/luma-ray-3.2/video-to-video')).toEqual(controls('fal/luma-ray-3.2/video-to-video'));
    expect(controls('fal/luma-ray-3.2/video-to-video').map((info) => info.name)).toEqual(['resolution', 'duration', 'edit_strength', 'auto_controls', 'hdr', 'exr_export']);
  });

  it('a field without a description is refused when the model is defined', () => {
    expect(() => defineRequestModel({ id: 'x', billing: 'per_clip', fields: { size: z.string() } })).toThrow('request field size has no description');
  });
});

describe('cross-field rules run on the parsed request, after defaults', () => {
  it('the edit defaults to 720p, so hdr alone is offered there; fal video-to-video defaults to 540p, where it is not', () => {
    expect(quote('luma-ray-3-2-edit', { source_generation_id: 'g', hdr: true }, { at: AT, sourceSeconds: '5' }).total).toBe('2.16');
    expect(() => quote('luma/agent/ray/v3.2/video-to-video', { hdr: true }, { at: AT })).toThrow('with tier HDR, resolution 540p');
  });

  it('a model of your own: the rule sees the default it never names', () => {
    const own = defineRequestModel({
      id: 'own', billing: 'per_clip',
      fields: {
        resolution: field(z.enum(['540p', '1080p']).default('1080p'), { description: 'size', priced: true }),
        hdr: field(z.boolean().default(false), { description: 'hdr', priced: true }),
      },
      rules: hdrRules,
    });
    expect(own.rules(own.quoteSchema.parse({ hdr: true }), 'quote')).toEqual([]);
    expect(own.rules(own.quoteSchema.parse({ hdr: true, resolution: '540p' }), 'quote')).toEqual([expect.objectContaining({ code: 'hdr_resolution' })]);
  });
});

describe("the CLI's field flags are derived from the models", () => {
  it('every priced field of every model has a flag that sets it, with every option some endpoint takes', () => {
    const flags = Object.fromEntries(FIELD_FLAGS.map((flag) => [flag.flag, flag]));
    for (const request of requestModels.values()) {
      for (const info of request.fields.filter((candidate) => candidate.priced || candidate.flag)) {
        expect(flags[info.flag!], `${request.id} ${info.name}`).toMatchObject({ field: info.name, type: info.type === 'boolean' ? 'boolean' : 'string' });
        for (const option of info.options ?? []) expect(flags[info.flag!]!.describe).toContain(option);
      }
    }
    expect(FIELD_FLAGS.map((flag) => `--${flag.flag}=${flag.field}`)).toEqual(['--resolution=resolution', '--duration=duration', '--hdr=hdr', '--exr=exr_export', '--loop=loop']);
  });
});

describe('the light field list (request-fields.generated.ts) is what the zod definitions say', () => {
  it('has one entry per definition, in order, each equal to the fields read from its schemas', () => {
    expect(Object.keys(REQUEST_FIELDS)).toEqual(REQUEST_MODEL_DEFINITIONS.map((definition) => definition.id));
    for (const definition of REQUEST_MODEL_DEFINITIONS) {
      expect(REQUEST_FIELDS[definition.id], definition.id).toStrictEqual(requestFieldInfos(definition));
    }
  });

  it.each(REQUEST_MODEL_DEFINITIONS.map((definition) => [definition.id, definition] as const))('%s: the registry model equals one read from its schemas', (id, definition) => {
    const registered = model(id);
    const fromSchemas = defineRequestModel(definition);
    expect(registered.fields).toStrictEqual(fromSchemas.fields);
    expect(registered.ignoredFields).toStrictEqual(fromSchemas.ignoredFields);
    expect(registered.tiers).toStrictEqual(fromSchemas.tiers);
    expect(Object.keys((registered.strictSchema as unknown as z.ZodObject).shape)).toEqual([...registered.fields.map((info) => info.name), ...Object.keys(registered.ignoredFields)]);
    expect(registered.jsonSchema()).toStrictEqual(fromSchemas.jsonSchema());
  });

  it('the registry model validates and reports missing fields as one read from its schemas does', () => {
    const value = fc.oneof(fc.constantFrom('540p', '720p', '1080p', '5s', '10s', 'luma-ray-3-2-edit', 'None', 'adhere_1', '16:9', '', 'https://example.com/a.mp4', 'QUJD'),
      fc.boolean(), fc.double({ min: -1, max: 2 }), fc.constant(undefined), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    for (const definition of REQUEST_MODEL_DEFINITIONS) {
      const registered = model(definition.id);
      const fromSchemas = defineRequestModel(definition);
      const names = [...registered.fields.map((info) => info.name), ...Object.keys(registered.ignoredFields), 'unknown_field'];
      fc.assert(fc.property(fc.dictionary(fc.constantFrom(...names), value), fc.constantFrom('quote', 'strict'), (input, mode: 'quote' | 'strict') => {
        const schema = (built: typeof registered) => (mode === 'quote' ? built.quoteSchema : built.strictSchema);
        const a = schema(registered).safeParse(input);
        const b = schema(fromSchemas).safeParse(input);
        expect(a).toStrictEqual(b);
        expect(registered.compiled[mode].safeParse(input)).toStrictEqual(b);
        expect(registered.missing(input)).toStrictEqual(fromSchemas.missing(input));
        if (a.success) expect(registered.rules(a.data, mode)).toStrictEqual(fromSchemas.rules(b.data!, mode));
      }), { numRuns: 2000 });
    }
  });

  it('a model given its field list builds its zod types only when a schema is first used, and once', () => {
    let built = 0;
    const definition: RequestModelDefinition = {
      id: 'lazy', billing: 'per_clip',
      fields: () => {
        built += 1;
        return { resolution: field(z.enum(['540p', '1080p']).default('540p'), { description: 'size', priced: true }), prompt: field(z.string(), { description: 'text' }) };
      },
    };
    const lazy = defineRequestModel(definition, requestFieldInfos(definition));
    built = 0;
    expect([lazy.fields.map((info) => info.name), lazy.tiers, lazy.missing({})]).toEqual([['resolution', 'prompt'], ['sdr'], ['prompt']]);
    expect(built).toBe(0);
    expect(lazy.quoteSchema.parse({})).toEqual({ resolution: '540p' });
    expect(() => lazy.strictSchema.parse({})).toThrow();
    expect(lazy.compiled.strict.safeParse({ prompt: 'p' }).success).toBe(true);
    expect(lazy.jsonSchema()).toMatchObject({ required: ['prompt'] });
    expect(built).toBe(1);
  });
});
