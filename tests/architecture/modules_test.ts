/** The registration list and the one accessor routes use to reach a module's API. */
import assert from "node:assert/strict";
import { modules } from "../../modules.ts";
import { KilnError } from "../../lib/errors.ts";
import { defineModule, type ModuleDefinition } from "../../lib/services.ts";
import { conversationModule } from "../../lib/conversation/mod.ts";
import { voiceModule } from "../../lib/voice/mod.ts";
import { testKiln } from "../support/kiln.ts";

Deno.test("every registered module is set up once and its API is what services.module returns", async () => {
  await using kiln = await testKiln();
  const names = modules.map((definition) => definition.name);
  assert.deepEqual(names, ["conversation", "doc_to_video", "engine", "transcription", "preprocess", "voice"]);
  for (const definition of modules as readonly ModuleDefinition<unknown>[]) {
    const api = kiln.services.module(definition);
    assert.equal(typeof api, "object", `${definition.name} has an API`);
    assert.equal(kiln.services.module(definition), api, `${definition.name} is set up once`);
  }
  // A module set up after another uses that one's API: voice starts a restaurant session on it.
  const session = await kiln.services.module(voiceModule).startSession({ language: "en" });
  const restaurant = kiln.services.module(conversationModule).restaurant;
  assert.equal((await restaurant.getSession(session.sessionId)).tenantId, session.tenantId);
});

Deno.test("a module that is not registered is a 503 module_unavailable, not a crash", async () => {
  await using kiln = await testKiln();
  const stray = defineModule({
    name: "stray",
    variables: {},
    setup: () => Promise.resolve({ hello: "world" }),
  });
  assert.throws(
    () => kiln.services.module(stray),
    (error: unknown) =>
      error instanceof KilnError && error.kind === "unavailable" && error.code === "module_unavailable" &&
      error.message === "The stray module is not set up.",
  );
});
