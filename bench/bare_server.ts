/**
 * The HTTP baseline: a bare `Deno.serve` + Hono JSON endpoint with no middleware, run as its own
 * process by `suites/http.ts` so it gets a core of its own, exactly like Kiln's server does.
 * Env: `PORT` (required), `HOST` (default 127.0.0.1). Stops on SIGTERM/SIGINT.
 */
import { Hono } from "hono";

const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok", version: "bare" }));

const port = Number(Deno.env.get("PORT"));
if (!Number.isInteger(port) || port <= 0) {
  console.error("bare_server: PORT must be set to a free TCP port");
  Deno.exit(2);
}
const server = Deno.serve(
  { port, hostname: Deno.env.get("HOST") ?? "127.0.0.1", onListen: () => {} },
  app.fetch,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    server.shutdown().finally(() => Deno.exit(0));
  });
}
