/**
 * Wires the business engine into Kiln (called once from main.ts): secrets (generated when unset),
 * the auth kinds "user", "service" and "engine-admin", the upstream client with its circuit
 * breaker, the metadata provider, health checks, metrics and the expired-hold sweep.
 */
import { variablesOf } from "../config.ts";
import type { Services } from "../services.ts";
import { transcriptionModule } from "../transcription/mod.ts";
import { engineVariables } from "./config.ts";
import { engineAdminResolver, serviceResolver, userResolver } from "./auth.ts";
import { registerEngineHealth } from "./health.ts";
import { createOEmbedProvider } from "./meta/oembed.ts";
import { localMetadataProvider } from "./meta/mod.ts";
import { createEngineService, type EngineService } from "./service.ts";
import { createTokenAuthority } from "./tokens.ts";
import { createCircuitBreaker } from "./upstream/breaker.ts";
import { createUpstreamClient } from "./upstream/client.ts";

const breakerLevels = { closed: 0, half_open: 1, open: 2 } as const;

export async function setupEngine(services: Services): Promise<EngineService> {
  const { config, log, secrets } = services;
  // The shared secrets with the transcription service are declared by its table (one name each).
  const values = variablesOf(config, { ...engineVariables, ...transcriptionModule.variables });
  const jwtSecret = await secrets.ensure("ENGINE_JWT_SECRET", values.ENGINE_JWT_SECRET);
  const adminKey = await secrets.ensure("ENGINE_ADMIN_KEY", values.ENGINE_ADMIN_KEY);
  const tttSecret = await secrets.ensure(
    "TTT_SHARED_SECRET",
    // The same name and file as the transcription module, so both sides hold one secret.
    values.TTT_SHARED_SECRET ?? values.ENGINE_SHARED_SECRET,
  );
  const webhookSecret = await secrets.ensure(
    "BUSINESS_ENGINE_WEBHOOK_SECRET",
    values.BUSINESS_ENGINE_WEBHOOK_SECRET,
  );
  const tokens = createTokenAuthority(jwtSecret);
  const breaker = createCircuitBreaker({
    name: "tttranscribe",
    threshold: values.ENGINE_BREAKER_THRESHOLD,
    openMs: values.ENGINE_BREAKER_OPEN_MS,
    probes: values.ENGINE_BREAKER_PROBES,
    log,
  });
  const upstream = createUpstreamClient({
    baseUrl: values.TTT_BASE ?? `${config.publicUrl}/tttranscribe`,
    secret: tttSecret,
    timeoutMs: values.REQUEST_TIMEOUT,
    maxRetries: values.MAX_RETRIES,
    retryBaseMs: values.ENGINE_RETRY_BASE_MS,
    breaker,
    log,
    // A local TTT_BASE (the default) is served in-process: no socket, no outside caller's limits.
    fetch: services.selfFetch,
  });
  const engine = createEngineService({
    kv: services.kv,
    log,
    tokens,
    upstream,
    breaker,
    metadata: values.ENGINE_META_PROVIDER === "oembed"
      ? createOEmbedProvider(values.ENGINE_META_OEMBED_URL)
      : localMetadataProvider,
    webhookSecret,
    limiter: services.rateLimiter,
    send: services.selfFetch,
    settings: {
      rates: values.ENGINE_CREDIT_RATES,
      transcribesPerMinute: values.ENGINE_TRANSCRIBES_PER_MINUTE,
      transcribeTimeoutMs: values.ENGINE_TRANSCRIBE_TIMEOUT_MS,
      holdTtlMs: values.ENGINE_HOLD_TTL_MINUTES * 60_000,
      vendLimitPerHour: values.ENGINE_VEND_LIMIT_PER_HOUR,
    },
  });

  services.auth.user = userResolver(tokens);
  services.auth.service = serviceResolver(tokens);
  services.auth["engine-admin"] = engineAdminResolver(adminKey);
  Object.assign(services.securitySchemes, {
    user: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description: "User JWT (HS256, ENGINE_JWT_SECRET)",
      "x-kiln-obtain": "./deno task -q token <userId>  (or POST /v1/admin/users/{id}/token)",
    },
    service: {
      type: "http",
      scheme: "bearer",
      description: "Vended 15-minute service token, scope ttt:transcribe",
      "x-kiln-obtain": "POST /v1/vend-token with a user token (costs 1 credit)",
    },
    "engine-admin": {
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
      description: "ENGINE_ADMIN_KEY (or Bearer)",
      "x-kiln-secret": "ENGINE_ADMIN_KEY",
    },
  });
  registerEngineHealth(services, engine, {
    adminKeyConfigured: Boolean(values.ENGINE_ADMIN_KEY),
    jwtSecretConfigured: Boolean(values.ENGINE_JWT_SECRET),
  });
  services.metrics.collect(
    "kiln_engine_upstream_breaker_state",
    "Transcription-service circuit breaker: 0 closed, 1 half-open, 2 open.",
    [],
    () => Promise.resolve([{ labels: {}, value: breakerLevels[breaker.snapshot().state] }]),
  );
  services.metrics.collect(
    "kiln_engine_upstream_calls",
    "Calls to the transcription service by outcome (attempts, retries included).",
    ["outcome"],
    () => {
      const stats = upstream.stats();
      return Promise.resolve([
        { labels: { outcome: "failed" }, value: stats.failures },
        { labels: { outcome: "answered" }, value: stats.calls - stats.failures },
      ]);
    },
  );
  services.scheduler.every("engine.sweep_holds", values.ENGINE_HOLD_SWEEP_MS, async () => {
    await engine.sweepHolds();
  });
  return engine;
}
