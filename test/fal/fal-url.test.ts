import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appOfEndpointId, parseFalUrl } from '../../src/fal/fal-url.js';

describe('parseFalUrl', () => {
  it('reads a submission, a run and a stream', () => {
    expect(parseFalUrl('https://queue.fal.run/luma/agent/ray/v3.2/video-to-video?fal_webhook=https%3A%2F%2Fh.example%2Fx')).toEqual({
      host: 'queue', endpointId: 'luma/agent/ray/v3.2/video-to-video', app: 'luma/agent', pathRest: 'ray/v3.2/video-to-video',
      request: undefined, query: [['fal_webhook', 'https://h.example/x']],
    });
    expect(parseFalUrl('https://fal.run/luma/agent/ray/v3.2/video-to-video/')).toMatchObject({
      host: 'run', endpointId: 'luma/agent/ray/v3.2/video-to-video', app: 'luma/agent', query: [],
    });
    expect(parseFalUrl('https://fal.run/luma/agent/ray/v3.2/video-to-video/stream')).toMatchObject({
      host: 'run', endpointId: 'luma/agent/ray/v3.2/video-to-video/stream', pathRest: 'ray/v3.2/video-to-video/stream',
    });
  });

  it('reads the queue URLs of one request: result, status, status stream, cancel', () => {
    const base = 'https://queue.fal.run/luma/agent/requests/req-1';
    expect(parseFalUrl(base)).toMatchObject({ host: 'queue', endpointId: 'luma/agent', app: 'luma/agent', request: { id: 'req-1', action: 'result' } });
    expect(parseFalUrl(`${base}/status?logs=1`)).toMatchObject({ request: { id: 'req-1', action: 'status' }, query: [['logs', '1']], pathRest: 'requests/req-1/status' });
    expect(parseFalUrl(`${base}/status/stream`)?.request).toEqual({ id: 'req-1', action: 'status_stream' });
    expect(parseFalUrl(`${base}/cancel`)?.request).toEqual({ id: 'req-1', action: 'cancel' });
    // A path under /requests the client never builds is neither a request nor an endpoint.
    expect(parseFalUrl(`${base}/logs`)).toMatchObject({ endpointId: undefined, request: undefined, app: 'luma/agent' });
    // Only at the app's depth: deeper, "requests" is a word of the endpoint's path.
    expect(parseFalUrl('https://queue.fal.run/luma/agent/ray/requests/x')).toMatchObject({ endpointId: 'luma/agent/ray/requests/x', request: undefined });
  });

  it('knows the namespaced apps (workflows/, comfy/) have three segments', () => {
    expect(parseFalUrl('https://queue.fal.run/workflows/me/flow/requests/r/status')).toMatchObject({ app: 'workflows/me/flow', request: { id: 'r', action: 'status' } });
    expect(parseFalUrl('https://fal.run/comfy/me/graph')).toMatchObject({ app: 'comfy/me/graph', pathRest: '' });
  });

  it('calls every other host, scheme, port or credential "other", and names no endpoint there', () => {
    for (const url of [
      'https://evilfal.run/luma/agent', 'https://ws.fal.run/luma/agent', 'http://fal.run/luma/agent', 'https://fal.run:8443/luma/agent',
      'https://user:pw@fal.run/luma/agent', 'https://fal.ai/models/luma/agent', 'https://example.com/luma/agent',
    ]) {
      expect(parseFalUrl(url), url).toMatchObject({ host: 'other', endpointId: undefined, app: undefined });
    }
    expect(parseFalUrl('https://rest.fal.ai/storage/upload/initiate')?.host).toBe('rest');
    expect(parseFalUrl('not a url')).toBeUndefined();
  });

  it('names no endpoint for a path no endpoint id has', () => {
    for (const path of ['', '/', '/luma//agent', '/luma/a%2Fb', '/luma/%zz', '/luma/agent name', '/luma/.hidden']) {
      expect(parseFalUrl(`https://fal.run${path}`)?.endpointId, path).toBeUndefined();
    }
    // The URL parser resolves dot segments before fal sees the path; so does the parse.
    expect(parseFalUrl('https://fal.run/x/../luma/agent/ray')?.endpointId).toBe('luma/agent/ray');
    expect(parseFalUrl('https://fal.run/x/%2e%2e/luma/agent/ray')?.endpointId).toBe('luma/agent/ray');
    expect(parseFalUrl('https://fal.run/luma/agent%2Dx')?.endpointId).toBe('luma/agent-x');
  });
});

describe('parseFalUrl reads the client\'s own URLs without a URL parser, the same way', () => {
  it('equals the full parse (forced by an empty fragment, which the URL parser drops) (fast-check)', () => {
    const segment = fc.oneof(
      fc.constantFrom('luma', 'agent', 'requests', 'status', 'stream', 'cancel', 'workflows', 'comfy', 'v3.2', 'req-1', '.', '..', '', 'a%2Fb', '%41', 'x y'),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/),
    );
    const url = fc.record({
      host: fc.constantFrom('https://fal.run', 'https://queue.fal.run', 'https://FAL.run', 'http://fal.run', 'https://rest.fal.ai'),
      path: fc.array(segment, { minLength: 0, maxLength: 7 }),
      slash: fc.boolean(),
      query: fc.constantFrom('', '?', '?logs=0', '?fal_webhook=https%3A%2F%2Fh.example%2Fw', '?a=1&b=two+words', '?x=%zz'),
    }).map(({ host, path, slash, query }) => `${host}/${path.join('/')}${slash && path.length > 0 ? '/' : ''}${query}`);
    fc.assert(fc.property(url, (text) => {
      expect(parseFalUrl(text)).toEqual(parseFalUrl(`${text}#`));
    }), { numRuns: 2000 });
  });
});

describe('appOfEndpointId (the client\'s parseEndpointId)', () => {
  it('is owner/alias, namespace/owner/alias, or the legacy 123-app', () => {
    expect(appOfEndpointId('luma/agent/ray/v3.2/video-to-video')).toBe('luma/agent');
    expect(appOfEndpointId('workflows/me/flow/extra')).toBe('workflows/me/flow');
    expect(appOfEndpointId('123-my-app')).toBe('123/my-app');
    expect(appOfEndpointId('nothing')).toBeUndefined();
  });
});
