/**
 * The HTTP baseline "Hono with the middleware a Hono user adds": request ids (`hono/request-id`),
 * secure headers (`hono/secure-headers`), a prom-client request-duration histogram labelled by
 * route, and a JSON access-log line per request on stdout — in front of the same JSON endpoint as
 * `bare_server.ts`. Run as its own process by `suites/http.ts`.
 * Env: `PORT` (required), `HOST` (default 127.0.0.1). Stops on SIGTERM/SIGINT.
 */
import { Hono } from "hono";
import { serveBaseline } from "./baseline_serve.ts";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { Histogram, Registry } from "prom-client";

const registry = new Registry();
const duration = new Histogram({
  name: "http_request_duration_seconds",
  help: "HTTP request duration",
  labelNames: ["method", "route", "status"],
  registers: [registry],
});

const app = new Hono<{ Variables: { requestId: string } }>();
app.use(requestId());
app.use(secureHeaders());
app.use(async (c, next) => {
  const started = performance.now();
  await next();
  const seconds = (performance.now() - started) / 1000;
  const route = c.req.routePath;
  duration.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
  console.log(JSON.stringify({
    time: new Date().toISOString(),
    level: "info",
    msg: "http_request",
    requestId: c.get("requestId"),
    method: c.req.method,
    route,
    path: c.req.path,
    status: c.res.status,
    durationMs: Math.round(seconds * 100_000) / 100,
  }));
});
app.get("/health", (c) => c.json({ status: "ok", version: "hono-stack" }));
app.get("/metrics", async (c) => c.text(await registry.metrics()));

serveBaseline("hono_stack_server", app.fetch);
