/**
 * CORS from the configured allow-list only: browsers on other origins get no CORS headers (and so
 * cannot read responses) unless the deployment names them in KILN_CORS_ORIGINS.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./env.ts";

export function corsFromAllowList(origins: string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins);
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "Idempotency-Key",
      "X-API-Key",
      "X-Request-Id",
      "Last-Event-ID",
    ],
    exposeHeaders: [
      "X-Request-Id",
      "Retry-After",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "RateLimit-Policy",
      "Idempotent-Replayed",
    ],
    maxAge: 600,
  });
}
