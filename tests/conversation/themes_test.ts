/** Themes API: admin auth, schema, HMAC-signed storage (tampering falls back), generation, page use. */
import assert from "node:assert/strict";
import { themeKeys } from "../../lib/themes/keys.ts";
import { createLlmThemeGenerator, createLocalThemeGenerator } from "../../lib/themes/generator.ts";
import { createOpenRouterModel } from "../../lib/providers/llm/openrouter.ts";
import { serve } from "../support/sse_client.ts";
import { asThemeAdmin, conversationKiln, createSession } from "./_helpers.ts";
import { conversationModule } from "../../lib/conversation/mod.ts";

const theme = {
  name: "Harbour",
  mode: "light",
  colors: {
    primary: "#123456",
    accent: "#abcdef",
    background: "#fafafa",
    surface: "#ffffff",
    text: "#111111",
    muted: "#666666",
  },
  fonts: { heading: "Georgia, serif", body: "system-ui, sans-serif" },
  radius: 10,
};

Deno.test("PUT needs THEME_API_TOKEN; GET returns the stored theme; the page applies it", async () => {
  await using kiln = await conversationKiln();
  const anonymous = await kiln.request("/api/themes/harbour", { method: "PUT", json: theme });
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const css = await kiln.request("/api/themes/harbour", {
    method: "PUT",
    json: { ...theme, colors: { ...theme.colors, primary: "red;}</style><script>" } },
    headers: asThemeAdmin,
  });
  assert.equal(css.status, 422);
  await css.body?.cancel();
  const put = await kiln.request("/api/themes/harbour", {
    method: "PUT",
    json: theme,
    headers: asThemeAdmin,
  });
  assert.equal(put.status, 200);
  await put.body?.cancel();
  const got = await (await kiln.request("/api/themes/harbour")).json();
  assert.equal(got.custom, true);
  assert.equal(got.theme.colors.primary, "#123456");
  const fallback = await (await kiln.request("/api/themes/unknown?category=financial")).json();
  assert.equal(fallback.custom, false);
  assert.equal(fallback.theme.mode, "dark");

  const session = await createSession(kiln, "harbour");
  const page = await kiln.request(new URL(session.displayUrl).pathname + new URL(session.displayUrl).search);
  const html = await page.text();
  assert.match(html, /--conv-primary:#123456/);
  const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(page.headers.get("content-security-policy")!)![1];
  assert.ok(html.includes(`<style nonce="${nonce}">`), "the theme style carries the CSP nonce");
  assert.ok(!/style="/.test(html), "no inline style attributes");
});

Deno.test("a tampered stored theme is not used: default theme and a log line", async () => {
  await using kiln = await conversationKiln();
  await (await kiln.request("/api/themes/harbour", { method: "PUT", json: theme, headers: asThemeAdmin }))
    .body?.cancel();
  const key = themeKeys.theme("harbour");
  const stored = (await kiln.services.kv.get<{ theme: typeof theme }>(key)).value!;
  await kiln.services.kv.set(key, {
    ...stored,
    theme: { ...stored.theme, colors: { ...stored.theme.colors, primary: "#ff0000" } },
  });
  kiln.services.module(conversationModule).themes.forget("harbour");
  const got = await (await kiln.request("/api/themes/harbour")).json();
  assert.equal(got.custom, false);
  assert.notEqual(got.theme.colors.primary, "#ff0000");
  assert.ok(kiln.logs.some((line) => line.event === "theme_signature_invalid"));
});

Deno.test("generate: admin only, deterministic locally, optionally saved", async () => {
  await using kiln = await conversationKiln();
  const denied = await kiln.request("/api/themes/harbour/generate", { json: { prompt: "sea" } });
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  const generate = () =>
    kiln.request("/api/themes/harbour/generate", {
      json: { prompt: "Moody midnight jazz bar", save: true },
      headers: asThemeAdmin,
    })
      .then((response) => response.json());
  const [first, second] = [await generate(), await generate()];
  assert.equal(first.generator, "local");
  assert.deepEqual(first.theme, second.theme);
  assert.equal(first.theme.mode, "dark");
  const stored = await (await kiln.request("/api/themes/harbour")).json();
  assert.deepEqual(stored.theme, first.theme);
});

Deno.test("the LLM generator speaks OpenRouter chat completions and falls back on a non-theme answer", async () => {
  const answers = [JSON.stringify({ ...theme, name: "From LLM" }), "Sorry, I cannot."];
  const requests: { model: string; messages: unknown[] }[] = [];
  await using server = serve(async (request) => {
    requests.push(await request.json());
    return Response.json({
      model: "test/model",
      choices: [{ message: { role: "assistant", content: answers.shift() } }],
      usage: { prompt_tokens: 10, completion_tokens: 20 },
    });
  });
  const local = createLocalThemeGenerator();
  const generator = createLlmThemeGenerator(
    createOpenRouterModel({ apiKey: "test-key", baseUrl: server.url, retryDelaysMs: [] }),
    "test/model",
    local,
  );
  assert.equal((await generator.generate("harbour")).name, "From LLM");
  assert.deepEqual(await generator.generate("harbour"), await local.generate("harbour"));
  assert.equal(requests[0].model, "test/model");
});

Deno.test("with OPENROUTER_API_KEY set, generate asks OpenRouter (a loopback fake here)", async () => {
  const seen: { authorization: string | null; path: string }[] = [];
  await using server = serve((request) => {
    seen.push({ authorization: request.headers.get("authorization"), path: new URL(request.url).pathname });
    return Response.json({
      choices: [{
        message: { content: "```json\n" + JSON.stringify({ ...theme, name: "Remote" }) + "\n```" },
      }],
    });
  });
  await using kiln = await conversationKiln({
    OPENROUTER_API_KEY: "or-test-key",
    OPENROUTER_BASE_URL: server.url,
  });
  const response = await kiln.request("/api/themes/harbour/generate", {
    json: { prompt: "harbour at dawn" },
    headers: asThemeAdmin,
  });
  const body = await response.json();
  assert.equal(body.generator, "openrouter");
  assert.equal(body.theme.name, "Harbour", "the venue keeps its name whatever the model calls the theme");
  assert.equal(body.theme.colors.primary, theme.colors.primary, "the colours are the model's");
  assert.deepEqual(seen, [{ authorization: "Bearer or-test-key", path: "/chat/completions" }]);
});
