/**
 * The transcription service's reachability for /health: a straight `GET /health` with a short
 * timeout, cached for a few seconds so health checks do not hammer the upstream.
 */

export interface UpstreamProbe {
  reachable: boolean;
  status?: number;
  latencyMs?: number;
  error?: string;
  checkedAt: string;
}

const probeCacheMs = 5_000;

export function createUpstreamProber(
  baseUrl: string,
  send: (input: string, init: RequestInit) => Promise<Response> = fetch,
): () => Promise<UpstreamProbe> {
  let latest: { at: number; result: Promise<UpstreamProbe> } | undefined;
  const probe = async (): Promise<UpstreamProbe> => {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      // Straight fetch, not through the breaker: the probe must not count as traffic or failures.
      const response = await send(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_500) });
      await response.body?.cancel();
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      return { reachable: response.status < 500, status: response.status, latencyMs, checkedAt };
    } catch (error) {
      return { reachable: false, error: error instanceof Error ? error.name : "error", checkedAt };
    }
  };
  return () => {
    if (!latest || Date.now() - latest.at > probeCacheMs) latest = { at: Date.now(), result: probe() };
    return latest.result;
  };
}
