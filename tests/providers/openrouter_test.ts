import assert from "node:assert/strict";
import { createOpenRouterModel } from "../../lib/providers/llm/openrouter.ts";
import { LlmError } from "../../lib/providers/llm/types.ts";
import { fakeOpenRouter } from "./fake_openrouter.ts";

Deno.test("OpenRouter adapter retries a 429 and a 503, then returns text and token usage", async () => {
  await using fake = fakeOpenRouter();
  fake.failures.push(429, 503);
  const model = createOpenRouterModel({
    apiKey: "test-openrouter-key",
    baseUrl: fake.url,
    retryDelaysMs: [5, 10],
  });
  const answer = await model.complete({
    model: "google/gemini-2.5-flash-lite",
    messages: [{ role: "user", content: "Write about 30 words." }],
  });
  assert.equal(fake.requests.length, 3);
  assert.equal(fake.requests[0].authorization, "Bearer test-openrouter-key");
  assert.equal(fake.requests[2].body.model, "google/gemini-2.5-flash-lite");
  assert.ok(answer.text.split(" ").length >= 30);
  assert.deepEqual(answer.usage, { promptTokens: 900, completionTokens: 200 });
});

Deno.test("OpenRouter adapter gives up after two retries and does not retry a 401", async () => {
  await using fake = fakeOpenRouter();
  fake.failures.push(429, 429, 429);
  const model = createOpenRouterModel({
    apiKey: "test-openrouter-key",
    baseUrl: fake.url,
    retryDelaysMs: [1, 1],
  });
  await assert.rejects(
    model.complete({ model: "m/x", messages: [{ role: "user", content: "hi" }] }),
    (error) => error instanceof LlmError && error.status === 429,
  );
  assert.equal(fake.requests.length, 3);

  const wrongKey = createOpenRouterModel({ apiKey: "wrong", baseUrl: fake.url, retryDelaysMs: [1, 1] });
  await assert.rejects(
    wrongKey.complete({ model: "m/x", messages: [{ role: "user", content: "hi" }] }),
    (error) => error instanceof LlmError && error.status === 401 && !error.retryable,
  );
  assert.equal(fake.requests.length, 4);
});
