/**
 * The display-write baseline: what a careful Hono user writes for Stonepot's `POST
 * /conversation/:id/update` on Deno KV — a bearer-token check (constant time), a zod-free JSON body
 * check, and ONE `kv.atomic()` per update that version-checks the session, bumps its seq and stores
 * the update, retried on conflict. No live feed, no rings, no idempotency, no middleware: the floor
 * Kiln's write path (`suites/display_write.ts`) is compared with. Run as its own process.
 * Env: `PORT` (required), `HOST`, `KV_PATH` (required), `TOKEN` (required).
 */
import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import { serveBaseline } from "./baseline_serve.ts";

interface Session {
  seq: number;
  updatedAt: number;
}

const kv = await Deno.openKv(Deno.env.get("KV_PATH"));
const token = new TextEncoder().encode(`Bearer ${Deno.env.get("TOKEN") ?? ""}`);
const authorised = (header: string | undefined) => {
  const given = new TextEncoder().encode(header ?? "");
  return given.length === token.length && timingSafeEqual(given, token);
};

const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
app.post("/conversation/:id/init", async (c) => {
  if (!authorised(c.req.header("authorization"))) return c.json({ error: "unauthorized" }, 401);
  await kv.set(["session", c.req.param("id")], { seq: 0, updatedAt: Date.now() } satisfies Session);
  return c.json({ sessionId: c.req.param("id") }, 201);
});
app.post("/conversation/:id/update", async (c) => {
  if (!authorised(c.req.header("authorization"))) return c.json({ error: "unauthorized" }, 401);
  const body = await c.req.json().catch(() => null);
  if (
    typeof body?.type !== "string" || typeof body.data !== "object" || body.data === null ||
    Array.isArray(body.data)
  ) {
    return c.json({ error: "invalid body" }, 400);
  }
  const id = c.req.param("id");
  for (let attempt = 0; attempt < 50; attempt++) {
    const session = await kv.get<Session>(["session", id]);
    if (!session.value) return c.json({ error: "no such session" }, 404);
    const at = Date.now();
    const update = { seq: session.value.seq + 1, type: body.type, data: body.data, at };
    const result = await kv.atomic().check(session)
      .set(["session", id], { seq: update.seq, updatedAt: at })
      .set(["update", id, update.seq], update)
      .commit();
    if (result.ok) return c.json({ success: true, seq: update.seq, update }, 201);
  }
  return c.json({ error: "busy" }, 503);
});

serveBaseline("hono_kv_server", app.fetch, () => kv.close());
