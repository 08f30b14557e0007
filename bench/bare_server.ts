/**
 * The HTTP baseline: a bare `Deno.serve` + Hono JSON endpoint with no middleware, run as its own
 * process by `suites/http.ts` so it gets a core of its own, exactly like Kiln's server does.
 * Env: `PORT` (required), `HOST` (default 127.0.0.1). Stops on SIGTERM/SIGINT.
 */
import { Hono } from "hono";
import { serveBaseline } from "./baseline_serve.ts";

const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok", version: "bare" }));

serveBaseline("bare_server", app.fetch);
