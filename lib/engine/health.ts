/**
 * The engine's part of `/health` (configuration booleans, breaker state, upstream probe) and the
 * body of `GET /health/services`. An unreachable transcription service is reported, not fatal: the
 * credit API keeps working, so only an open breaker marks the engine `degraded`.
 */
import type { Services } from "../services.ts";
import type { EngineService } from "./service.ts";

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
