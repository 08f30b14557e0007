/**
 * The business engine's variables (SPEC §2.4). Secrets left unset are generated once by
 * lib/secrets.ts in setup; timings are variables so a deployment (and the tests) can tune the
 * proxy's retry backoff and circuit breaker without code changes.
 */
import { z } from "zod";
import { positiveMs, secret } from "../config_schemas.ts";

const creditRates = z.string().transform((text, context) => {
  try {
    const parsed = z.record(z.string(), z.number().positive()).parse(JSON.parse(text));
    return parsed;
  } catch {
    context.addIssue({
      code: "custom",
      message: 'must be a JSON object of model → credits per minute, e.g. {"default":1}',
    });
    return z.NEVER;
  }
});

export const engineVariables = {
  ENGINE_JWT_SECRET: {
    schema: secret(32),
    doc: "HS256 key (≥ 32 bytes) for user JWTs and vended service tokens; generated when unset.",
  },
  ENGINE_ADMIN_KEY: {
    schema: secret(32),
    doc:
      "Business-engine admin key (`X-API-Key` or Bearer) for credits and token minting; generated when unset.",
  },
  TTT_BASE: {
    schema: z.url().optional(),
    doc: "Base URL of the transcription service (default `$KILN_PUBLIC_URL/tttranscribe`).",
  },
  REQUEST_TIMEOUT: {
    schema: positiveMs,
    default: "30000",
    doc:
      "Timeout (ms) of one proxied call to the transcription service (transcribe uses ENGINE_TRANSCRIBE_TIMEOUT_MS).",
  },
  ENGINE_TRANSCRIBE_TIMEOUT_MS: {
    schema: positiveMs,
    default: "600000",
    doc: "Timeout (ms) of one proxied `POST /transcribe` call (10 minutes).",
  },
  MAX_RETRIES: {
    schema: z.coerce.number().int().min(0).max(10),
    default: "3",
    doc: "Retries of a proxied call after a 5xx, 429, timeout or network error (never other 4xx).",
  },
  ENGINE_RETRY_BASE_MS: {
    schema: positiveMs,
    default: "1000",
    doc: "First retry delay (ms); it doubles per retry (1 s, 2 s, 4 s).",
  },
  ENGINE_BREAKER_THRESHOLD: {
    schema: z.coerce.number().int().min(1),
    default: "5",
    doc: "Consecutive upstream failures that open the circuit breaker.",
  },
  ENGINE_BREAKER_OPEN_MS: {
    schema: positiveMs,
    default: "60000",
    doc: "How long an open breaker refuses calls before half-open probes.",
  },
  ENGINE_BREAKER_PROBES: {
    schema: z.coerce.number().int().min(1),
    default: "3",
    doc: "Successful half-open probe calls needed to close the breaker again.",
  },
  ENGINE_CREDIT_RATES: {
    schema: creditRates,
    default: '{"default":1}',
    doc: "JSON map model → credits per audio minute; `default` applies to unknown models.",
  },
  ENGINE_HOLD_TTL_MINUTES: {
    schema: z.coerce.number().int().min(1),
    default: "15",
    doc: "Holds of metered transcriptions older than this are released by the sweep.",
  },
  ENGINE_HOLD_SWEEP_MS: {
    schema: positiveMs,
    default: "60000",
    doc: "Interval of the sweep that releases expired holds.",
  },
  ENGINE_VEND_LIMIT_PER_HOUR: {
    schema: z.coerce.number().int().min(1),
    default: "10",
    doc: "Service tokens one user may vend per hour.",
  },
  ENGINE_TRANSCRIBES_PER_MINUTE: {
    schema: z.coerce.number().int().min(1),
    default: "10",
    doc:
      "Transcriptions one user may start per minute (token bucket, enforced by the engine before it forwards).",
  },
  ENGINE_META_PROVIDER: {
    schema: z.enum(["local", "oembed"]),
    default: "local",
    doc: "`/meta` source: `local` (derived from the URL, offline) or `oembed` (TikTok oEmbed).",
  },
  ENGINE_META_OEMBED_URL: {
    schema: z.url(),
    default: "https://www.tiktok.com/oembed",
    doc: "TikTok oEmbed endpoint used by the `oembed` metadata provider.",
  },
} as const;
