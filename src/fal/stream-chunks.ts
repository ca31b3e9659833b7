/**
 * A web ReadableStream as an async iterable (not every runtime's streams are iterable yet), for
 * the proxy's and the webhooks' body readers. Stopping early cancels the stream, so the rest of
 * an oversized body is never read.
 */
export async function* chunksOf(stream: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (stream === null) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
