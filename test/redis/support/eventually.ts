/** Retries `attempt` every `intervalMs` until it resolves, or rethrows its last error after `within` ms. */
export async function eventually<T>(attempt: () => Promise<T>, within = 15_000, intervalMs = 100): Promise<T> {
  const until = Date.now() + within;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
