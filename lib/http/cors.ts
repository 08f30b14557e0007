/**
 * CORS from the configured allow-list only: browsers on other origins get no CORS headers (and so
 * cannot read responses) unless the deployment names them in KILN_CORS_ORIGINS. Requests without
 * an Origin header (mobile apps, servers, same-origin GETs) skip all of it, which keeps the hot
 * path cheap — the generic middleware cost more than routing the request.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

const allowMethods = "GET, HEAD, POST, PUT, PATCH, DELETE";
const allowHeaders = "Authorization, Content-Type, Idempotency-Key, X-API-Key, X-Request-Id, Last-Event-ID";
const exposeHeaders =
  "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Idempotent-Replayed";

export function corsFromAllowList(origins: string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins);
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (!origin) return await next();
    const permitted = allowed.has(origin);
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      const headers = new Headers({ vary: "Origin" });
      if (permitted) {
        headers.set("access-control-allow-origin", origin);
        headers.set("access-control-allow-methods", allowMethods);
        headers.set("access-control-allow-headers", allowHeaders);
        headers.set("access-control-max-age", "600");
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    c.res.headers.append("vary", "Origin");
    if (permitted) {
      c.res.headers.set("access-control-allow-origin", origin);
      c.res.headers.set("access-control-expose-headers", exposeHeaders);
    }
  };
}
