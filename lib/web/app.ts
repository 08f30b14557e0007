/**
 * Builds the Hono app: the middleware stack every request passes through, static assets with their
 * cache policy, and the routes of the generated manifest. Kept separate from main.ts so tests can
 * drive the full stack with `app.request()`.
 */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { corsFromAllowList } from "../http/cors.ts";
import type { AppEnv } from "../http/env.ts";
import { pathGuard } from "../http/path_guard.ts";
import { problemResponse } from "../http/problem.ts";
import { requestContext } from "../http/request_context.ts";
import { securityHeaders } from "../http/security_headers.ts";
import { KilnError } from "../errors.ts";
import type { Services } from "../services.ts";
import { type AssetManifest, buildDirectory } from "./assets.ts";
import type { Manifest } from "./manifest.ts";
import { registerManifest } from "./router.ts";

export function buildApp(
  services: Services,
  manifest: Manifest,
  assets: AssetManifest | null,
  root = ".",
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestContext(services));
  app.use(pathGuard());
  app.use(securityHeaders());
  app.use(corsFromAllowList(services.config.corsOrigins));

  app.use(`/${buildDirectory}/*`, async (c, next) => {
    await next();
    if (c.res.ok) c.res.headers.set("cache-control", "public, max-age=31536000, immutable");
  });
  app.use("/static/*", async (c, next) => {
    await next();
    if (c.res.ok && !c.res.headers.has("cache-control")) {
      c.res.headers.set("cache-control", "public, max-age=3600");
    }
  });
  app.use("/static/*", serveStatic({ root }));

  app.onError((error, c) => {
    if (error instanceof KilnError) return problemResponse(error, c.get("requestId"));
    (c.get("log") ?? services.log).error("unhandled_error", {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return problemResponse(error, c.get("requestId"));
  });

  registerManifest(app, manifest, assets);
  return app;
}
