/**
 * What a proxied request is, read from its `x-fal-target-url` and method, the way
 * @fal-ai/client addresses fal: POST queue.fal.run/<endpoint> submits; GET
 * queue.fal.run/<owner>/<alias>/requests/<id>[/status] polls; PUT .../cancel cancels;
 * POST fal.run/<endpoint>[/stream] runs; rest.fal.ai/storage/... uploads.
 */
export type FalTarget =
  | { readonly kind: 'submit'; readonly endpoint: string }
  | { readonly kind: 'run'; readonly endpoint: string; readonly streaming: boolean }
  | { readonly kind: 'status' | 'status_stream' | 'result' | 'cancel'; readonly requestId: string }
  | { readonly kind: 'storage' }
  /** Anything else: passed through when it is a read, refused when it could spend. */
  | { readonly kind: 'other'; readonly spends: boolean };

const REQUEST_PATH = /^\/(.+?)\/requests\/([^/]+)(\/status\/stream|\/status|\/cancel)?\/?$/;

export function classifyTarget(method: string, targetUrl: string): FalTarget {
  const verb = method.toUpperCase();
  const reads = verb === 'GET' || verb === 'HEAD' || verb === 'OPTIONS';
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return { kind: 'other', spends: !reads };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // A malformed escape names no endpoint we could price: not forwarded if it would spend.
    return { kind: 'other', spends: !reads };
  }
  if (url.host === 'queue.fal.run') {
    const match = REQUEST_PATH.exec(path);
    if (match) {
      const requestId = match[2]!;
      const action = match[3];
      if (action === '/cancel') return verb === 'PUT' ? { kind: 'cancel', requestId } : { kind: 'other', spends: !reads };
      if (!reads) return { kind: 'other', spends: true };
      if (action === '/status') return { kind: 'status', requestId };
      if (action === '/status/stream') return { kind: 'status_stream', requestId };
      return { kind: 'result', requestId };
    }
    if (verb === 'POST') return { kind: 'submit', endpoint: path.replace(/^\/+|\/+$/g, '') };
    return { kind: 'other', spends: !reads || verb === 'GET' };
  }
  if (url.host === 'fal.run') {
    // fal.run runs the app for any method (a GET carries its input in the query): all of it spends.
    if (verb !== 'POST') return { kind: 'other', spends: true };
    const endpoint = path.replace(/^\/+|\/+$/g, '');
    return endpoint.endsWith('/stream')
      ? { kind: 'run', endpoint: endpoint.slice(0, -'/stream'.length), streaming: true }
      : { kind: 'run', endpoint, streaming: false };
  }
  if (url.host === 'rest.fal.ai' && path.startsWith('/storage/')) return { kind: 'storage' };
  return { kind: 'other', spends: !reads };
}
