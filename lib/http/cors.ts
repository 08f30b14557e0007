/**
 * CORS from the configured allow-list only: browsers on other origins get no CORS headers (and so
 * cannot read responses) unless the deployment names them in KILN_CORS_ORIGINS. Requests without
 * an Origin header (mobile apps, servers, same-origin GETs) skip all of it, which keeps the hot
 * path cheap — the generic middleware cost more than routing the request.
 */
import type { MiddlewareHandler } from "hono";
import { KilnError } from "../errors.ts";
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

/**
 * Refuses a cross-site browser request that needs no CORS preflight to *do* something (a multipart
 * form post): any website could otherwise make its visitors' browsers start jobs here. Browsers say
 * where a request comes from (`Sec-Fetch-Site`, else `Origin`); same-origin pages, direct
 * navigation, allow-listed origins and non-browser clients (which send neither) pass.
 */
export function assertNotCrossSite(request: Request, publicUrl: string, origins: string[]): void {
  const origin = request.headers.get("origin");
  if (origin && origins.includes(origin)) return;
  const site = request.headers.get("sec-fetch-site");
  const crossSite = site !== null
    ? site !== "same-origin" && site !== "none"
    : origin !== null && origin !== new URL(request.url).origin && origin !== new URL(publicUrl).origin;
  if (crossSite) {
    throw new KilnError(
      "forbidden",
      "cross_site_request",
      "Uploads are accepted from this site's own pages (or origins in KILN_CORS_ORIGINS) only.",
    );
  }
}
