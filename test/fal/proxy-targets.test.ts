import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appOfEndpointId } from '../../src/fal/fal-url.js';
import { classifyTarget, type FalTarget } from '../../src/fal/proxy/fal-target.js';
import { ProxyRequestError } from '../../src/fal/proxy/proxy-request-error.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';

function refusal(method: string, url: string): { code: string; field: string; status: number } | FalTarget {
  try {
    return classifyTarget(method, url);
  } catch (error) {
    if (!(error instanceof ProxyRequestError)) throw error;
    return { code: error.code, field: error.field, status: error.status };
  }
}

describe('classifyTarget: what @fal-ai/client sends through a proxy', () => {
  it.each<[string, string, FalTarget]>([
    ['POST', `https://queue.fal.run/${V2V}`, { kind: 'submit', endpoint: V2V, app: 'luma/agent' }],
    // An endpoint given to the client as a URL gets a trailing slash (its buildUrl).
    ['POST', `https://queue.fal.run/${V2V}/`, { kind: 'submit', endpoint: V2V, app: 'luma/agent' }],
    ['POST', `https://queue.fal.run/${V2V}?fal_webhook=https%3A%2F%2Fapp.example%2Fhook`, { kind: 'submit', endpoint: V2V, app: 'luma/agent' }],
    ['POST', 'https://queue.fal.run/workflows/acme/pipeline/step', { kind: 'submit', endpoint: 'workflows/acme/pipeline/step', app: 'workflows/acme/pipeline' }],
    ['POST', 'https://queue.fal.run/comfy/acme/flow', { kind: 'submit', endpoint: 'comfy/acme/flow', app: 'comfy/acme/flow' }],
    ['GET', 'https://queue.fal.run/luma/agent/requests/8f1c/status?logs=1', { kind: 'status', app: 'luma/agent', requestId: '8f1c' }],
    ['HEAD', 'https://queue.fal.run/luma/agent/requests/8f1c/status', { kind: 'status', app: 'luma/agent', requestId: '8f1c' }],
    ['GET', 'https://queue.fal.run/luma/agent/requests/8f1c/status/stream?logs=0', { kind: 'status_stream', app: 'luma/agent', requestId: '8f1c' }],
    ['GET', 'https://queue.fal.run/luma/agent/requests/8f1c', { kind: 'result', app: 'luma/agent', requestId: '8f1c' }],
    ['GET', 'https://queue.fal.run/workflows/acme/pipeline/requests/8f1c', { kind: 'result', app: 'workflows/acme/pipeline', requestId: '8f1c' }],
    ['PUT', 'https://queue.fal.run/luma/agent/requests/8f1c/cancel', { kind: 'cancel', app: 'luma/agent', requestId: '8f1c' }],
    ['POST', `https://fal.run/${V2V}`, { kind: 'run', endpoint: V2V, streaming: false }],
    ['POST', `https://fal.run/${V2V}/stream`, { kind: 'run', endpoint: V2V, streaming: true }],
    ['POST', 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', { kind: 'storage' }],
    ['GET', 'https://api.fal.ai/v1/models', { kind: 'read' }],
  ])('%s %s', (method, url, expected) => {
    expect(classifyTarget(method, url)).toEqual(expected);
  });
});

describe('classifyTarget: anything else is refused, with the field at fault', () => {
  const invalid = { code: 'invalid_target', field: 'x-fal-target-url', status: 400 };
  it.each<[string, string]>([
    ['uppercase host', `https://QUEUE.fal.run/${V2V}`],
    ['trailing-dot host', `https://queue.fal.run./${V2V}`],
    ['credentials', `https://user:secret@queue.fal.run/${V2V}`],
    ['default port', `https://queue.fal.run:443/${V2V}`],
    ['other port', `https://queue.fal.run:8443/${V2V}`],
    ['IPv4 host', `https://104.18.0.1/${V2V}`],
    ['IPv6 host', `https://[::1]/${V2V}`],
    ['dot segments', 'https://queue.fal.run/luma/agent/ray/v3.2/../v3.2/video-to-video'],
    ['encoded dot segments', 'https://queue.fal.run/luma/agent/ray/v3.2/%2e%2e/v3.2/video-to-video'],
    ['encoded slash', 'https://queue.fal.run/luma%2Fagent/ray/v3.2/video-to-video'],
    ['encoded letter', 'https://queue.fal.run/luma/agent/ray/v3.2/%76ideo-to-video'],
    ['malformed escape', `https://queue.fal.run/${V2V}%E0%A4%A`],
    ['backslash', 'https://queue.fal.run\\luma/agent/ray/v3.2/video-to-video'],
    ['empty segment', 'https://queue.fal.run/luma//agent/ray/v3.2/video-to-video'],
    ['two trailing slashes', `https://queue.fal.run/${V2V}//`],
    ['plain http', `http://queue.fal.run/${V2V}`],
    ['fragment', `https://queue.fal.run/${V2V}#x`],
    ['two headers joined by the server', `https://queue.fal.run/${V2V}, https://queue.fal.run/luma/agent/ray/v3.2/text-to-video`],
    ['not a URL', 'queue.fal.run/luma/agent'],
    ['one segment, no app', 'https://queue.fal.run/luma'],
    ['a namespace without an alias', 'https://queue.fal.run/workflows/acme'],
  ])('%s', (_name, url) => {
    expect(refusal('POST', url)).toEqual(invalid);
    expect(refusal('GET', url)).toEqual(invalid);
  });

  it('a query on a submit other than one fal_webhook, or any on a run, could carry input: refused', () => {
    expect(refusal('POST', `https://queue.fal.run/${V2V}?resolution=1080p`)).toEqual({ code: 'unpriced_query', field: 'x-fal-target-url?resolution', status: 400 });
    expect(refusal('POST', `https://queue.fal.run/${V2V}?fal_webhook=a&fal_webhook=b`)).toEqual({ code: 'unpriced_query', field: 'x-fal-target-url?fal_webhook', status: 400 });
    expect(refusal('POST', `https://fal.run/${V2V}?fal_webhook=a`)).toEqual({ code: 'unpriced_query', field: 'x-fal-target-url?fal_webhook', status: 400 });
  });

  it.each<[string, string]>([
    // fal.run runs the app for any method; a GET there carries its input in the query.
    ['GET', `https://fal.run/${V2V}?prompt=a`],
    ['HEAD', `https://fal.run/${V2V}`],
    ['OPTIONS', `https://fal.run/${V2V}`],
    ['GET', `https://queue.fal.run/${V2V}`],
    ['PUT', `https://queue.fal.run/${V2V}`],
    ['POST', 'https://queue.fal.run/luma/agent/requests/8f1c'],
    ['POST', 'https://queue.fal.run/luma/agent/requests/8f1c/status'],
    ['GET', 'https://queue.fal.run/luma/agent/requests/8f1c/cancel'],
    ['GET', 'https://queue.fal.run/luma/agent/requests/8f1c/logs'],
    ['GET', 'https://queue.fal.run/luma/agent/requests'],
    ['OPTIONS', 'https://queue.fal.run/luma/agent/requests/8f1c/status'],
    ['POST', `https://ws.fal.run/${V2V}`],
    ['GET', `https://ws.fal.run/${V2V}`],
    ['POST', 'https://gateway.fal.ai/anything'],
    ['DELETE', 'https://rest.fal.ai/tokens/1'],
  ])('%s %s could spend unpriced: 403', (method, url) => {
    expect(refusal(method, url)).toEqual({ code: 'unguarded_target', field: 'x-fal-target-url', status: 403 });
  });

  // The client's storage only POSTs through a proxy; fetch() throws on TRACE and CONNECT inside
  // server-proxy's handler, which ended the Express process.
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT'])('%s to storage: 403', (method) => {
    for (const path of ['upload/initiate?storage_type=fal-cdn-v3', 'upload/initiate-multipart?storage_type=fal-cdn-v3', 'upload/complete-multipart?storage_type=fal-cdn-v3']) {
      expect(refusal(method, `https://rest.fal.ai/storage/${path}`)).toEqual({ code: 'unguarded_target', field: 'x-fal-target-url', status: 403 });
    }
  });

  it('a method no fal client call uses is refused on every kind of target', () => {
    const targets = [
      `https://queue.fal.run/${V2V}`, `https://fal.run/${V2V}`, `https://fal.run/${V2V}/stream`,
      'https://queue.fal.run/luma/agent/requests/8f1c/status', 'https://queue.fal.run/luma/agent/requests/8f1c/status/stream',
      'https://queue.fal.run/luma/agent/requests/8f1c', 'https://queue.fal.run/luma/agent/requests/8f1c/cancel',
      'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', 'https://api.fal.ai/v1/models', `https://ws.fal.run/${V2V}`,
    ];
    for (const url of targets) {
      for (const method of ['TRACE', 'TRACK', 'CONNECT', 'PATCH', 'DELETE', 'PROPFIND', 'trace']) {
        expect({ method, url, refusal: refusal(method, url) }).toEqual({ method, url, refusal: { code: 'unguarded_target', field: 'x-fal-target-url', status: 403 } });
      }
    }
  });
});

describe('properties', () => {
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,8}$/).filter((text) => text !== '.' && text !== '..' && text !== 'requests');
  const endpoint = fc.array(segment, { minLength: 2, maxLength: 5 }).map((parts) => parts.join('/'));

  it('a submit is priced as exactly the endpoint fetch will send it to, and linked under the client\'s app path', () => {
    fc.assert(fc.property(endpoint, (id) => {
      const target = classifyTarget('POST', `https://queue.fal.run/${id}`);
      expect(target).toEqual({ kind: 'submit', endpoint: id, app: appOfEndpointId(id) });
      // The poll URL the client builds for it names the same app (queue.fal.run/<app>/requests/<id>).
      expect(classifyTarget('GET', `https://queue.fal.run/${appOfEndpointId(id)}/requests/r1/status`)).toMatchObject({ kind: 'status', app: appOfEndpointId(id) });
    }));
  });

  it('any respelling of a target is refused or classified as the URL fetch will request', () => {
    const respell = fc.constantFrom(
      (url: string) => url.replace('queue.fal.run', 'Queue.Fal.Run'),
      (url: string) => url.replace('queue.fal.run', 'queue.fal.run.'),
      (url: string) => url.replace('queue.fal.run', 'queue.fal.run:443'),
      (url: string) => url.replace('https://', 'https://x:y@'),
      (url: string) => url.replace(/\/([^/]+)$/, '/%2e%2e/$1'),
      (url: string) => url.replace(/\/([^/]+)$/, '%2F$1'),
      (url: string) => url.replace(/\/([^/]+)$/, '/./$1'),
      (url: string) => url.replace(/\/([^/]+)$/, '//$1'),
      (url: string) => `${url}?seed=1`,
      (url: string) => `${url}#frag`,
    );
    fc.assert(fc.property(endpoint, respell, (id, change) => {
      const url = change(`https://queue.fal.run/${id}`);
      let target: FalTarget | undefined;
      try {
        target = classifyTarget('POST', url);
      } catch (error) {
        expect(error).toBeInstanceOf(ProxyRequestError);
        return;
      }
      // Whatever passes is priced as the path fetch sends, byte for byte.
      expect(target).toMatchObject({ kind: 'submit' });
      expect(`https://queue.fal.run/${(target as { endpoint: string }).endpoint}`).toBe(new URL(url).href.replace(/\/$/, ''));
    }));
  });
});
