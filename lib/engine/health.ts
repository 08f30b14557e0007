/**
 * The engine's part of `/health` (configuration booleans, breaker state, upstream probe) and the
 * body of `GET /health/services`. An unreachable transcription service is reported, not fatal: the
 * credit API keeps working, so only an open breaker marks the engine `degraded`.
 */
import type { Services } from "../services.ts";
import type { EngineService } from "./service.ts";

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

export function registerEngineHealth(
  services: Services,
  engine: EngineService,
  configured: { adminKeyConfigured: boolean; jwtSecretConfigured: boolean },
): void {
  services.health.register("engine", async () => {
    const breaker = engine.breaker.snapshot();
    return {
      state: breaker.state === "open" ? "degraded" : "ok",
      jwtSecretConfigured: configured.jwtSecretConfigured,
      adminKeyConfigured: configured.adminKeyConfigured,
      tttBase: engine.upstream.baseUrl,
      metadataProvider: engine.metadata.name,
      breaker: breaker.state,
      upstream: await engine.probeUpstream(),
    };
  });
}

/** `GET /health/services`: breaker state and transitions, probe, traffic counters. */
export async function servicesHealth(engine: EngineService) {
  const breaker = engine.breaker.snapshot();
  const upstream = await engine.probeUpstream();
  return {
    status: breaker.state === "open" || !upstream.reachable ? "degraded" : "ok",
    services: {
      tttranscribe: {
        baseUrl: engine.upstream.baseUrl,
        probe: upstream,
        circuitBreaker: breaker,
        traffic: engine.upstream.stats(),
      },
      metadata: { provider: engine.metadata.name },
    },
  };
}
