import assert from "node:assert/strict";
import { cacheTtlMs } from "../../lib/engine/meta/mod.ts";
import { engineKiln, type Json, range } from "./_helpers.ts";

const video = "https://www.tiktok.com/@garyvee/video/7308801293029248299?is_from_webapp=1";

Deno.test("GET /meta derives TikTok metadata offline and refuses other URLs with 422", async () => {
  await using kiln = await engineKiln();
  const response = await kiln.request(`/meta?url=${encodeURIComponent(video)}`);
  assert.equal(response.status, 200);
  const meta: Json = await response.json();
  assert.equal(meta.videoId, "7308801293029248299");
  assert.equal(meta.author, "@garyvee");
  assert.equal(meta.url, "https://www.tiktok.com/@garyvee/video/7308801293029248299");
  assert.equal(meta.source, "local");
  assert.equal(meta.cached, false);
  const again: Json = await (await kiln.request(`/meta?url=${encodeURIComponent(video)}`)).json();
  assert.equal(again.cached, true);

  for (
    const url of [
      "https://www.youtube.com/watch?v=x",
      "not a url",
      "https://evil.com/?tiktok.com",
      "ftp://tiktok.com/@a/video/1",
    ]
  ) {
    const refused = await kiln.request(`/meta?url=${encodeURIComponent(url)}`);
    assert.equal(refused.status, 422, url);
    assert.equal((await refused.json()).code, "not_tiktok_url");
  }
});

Deno.test("the oEmbed provider reads TikTok's oEmbed wire format", async () => {
  const seen: string[] = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    seen.push(url.searchParams.get("url") ?? "");
    return Response.json({
      version: "1.0",
      type: "video",
      title: "Scrappy content wins",
      author_url: "https://www.tiktok.com/@garyvee",
      author_name: "GaryVee",
      author_unique_id: "garyvee",
      thumbnail_url: "https://p16.example/thumb.jpg",
      embed_product_id: "7308801293029248299",
      provider_name: "TikTok",
    });
  });
  await using kiln = await engineKiln({
    ENGINE_META_PROVIDER: "oembed",
    ENGINE_META_OEMBED_URL: `http://127.0.0.1:${server.addr.port}/oembed`,
  });
  const meta: Json = await (await kiln.request(`/meta?url=${encodeURIComponent(video)}`)).json();
  assert.equal(meta.title, "Scrappy content wins");
  assert.equal(meta.thumbnailUrl, "https://p16.example/thumb.jpg");
  assert.equal(meta.source, "oembed");
  assert.deepEqual(seen, ["https://www.tiktok.com/@garyvee/video/7308801293029248299"]);
});

Deno.test("cache TTLs are spread between 1 and 6 hours", () => {
  const ttls = range(200).map(() => cacheTtlMs());
  assert.ok(ttls.every((ttl) => ttl >= 3_600_000 && ttl <= 6 * 3_600_000));
  assert.ok(Math.max(...ttls) - Math.min(...ttls) > 3_600_000, "not all the same");
});

Deno.test("/health reports the engine's configuration and breaker; /health/services the upstream", async () => {
  await using kiln = await engineKiln();
  const health: Json = await (await kiln.request("/health")).json();
  assert.equal(health.checks.engine.state, "ok");
  assert.equal(health.checks.engine.jwtSecretConfigured, true);
  assert.equal(health.checks.engine.breaker, "closed");
  assert.equal(health.checks.engine.upstream.reachable, false);
  const services: Json = await (await kiln.request("/health/services")).json();
  assert.equal(services.status, "degraded");
  assert.equal(services.services.tttranscribe.circuitBreaker.state, "closed");
});
