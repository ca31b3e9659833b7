/**
 * fal's app path of an endpoint, by @fal-ai/client 1.10.1's own rule (parseEndpointId in its
 * utils): an id is owner/alias[/path]; under a namespace ("workflows", "comfy") it is
 * namespace/owner/alias[/path]. Status, result and cancel of a queued request live under the
 * app path: queue.fal.run/<app>/requests/<id>. The client turns a one-segment id such as
 * "123-app" into "123/app" before it builds any URL, so a target path never has one segment.
 */
const NAMESPACES: ReadonlySet<string> = new Set(['workflows', 'comfy']);

/** How many leading segments of an endpoint path are its app; undefined when too few to name one. */
export function appSegmentCount(segments: readonly string[]): number | undefined {
  const count = NAMESPACES.has(segments[0] ?? '') ? 3 : 2;
  return segments.length >= count ? count : undefined;
}

/** The app path of an endpoint id ("luma/agent/ray/v3.2/video-to-video" -> "luma/agent"). */
export function appPathOf(endpoint: string): string | undefined {
  const segments = endpoint.split('/');
  const count = appSegmentCount(segments);
  return count === undefined ? undefined : segments.slice(0, count).join('/');
}
