/**
 * The OpenAPI description of display updates is right, not just present: a union discriminated on
 * `type` over all 15 types, each example (Stonepot's real shapes) valid against its own schema per
 * a JSON Schema 2020-12 validator and accepted by the normaliser, and the conversation routes
 * documenting their response bodies and errors.
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import { testKiln } from "../support/kiln.ts";
import { parseUpdate, updateTypes } from "../../lib/conversation/updates.ts";
import { conversationEnv } from "./_helpers.ts";

Deno.test("openapi.json describes the 15 update types as a discriminated union with valid examples", async () => {
  await using kiln = await testKiln(conversationEnv);
  const document = await (await kiln.request("/openapi.json")).json();
  const schemas = document.components.schemas;
  const union = schemas.DisplayUpdateInput;
  assert.equal(union.discriminator.propertyName, "type");
  assert.deepEqual(Object.keys(union.discriminator.mapping).sort(), [...updateTypes].sort());
  assert.equal(union.oneOf.length, 15);

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  for (const [name, schema] of Object.entries(schemas)) {
    ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  }
  const validateInput = ajv.getSchema("#/components/schemas/DisplayUpdateInput")!;
  const validateStored = ajv.getSchema("#/components/schemas/DisplayUpdate")!;
  for (const type of updateTypes) {
    const [example] = schemas[`DisplayUpdate_${type}`].examples;
    assert.ok(validateInput(example), `${type}: ${JSON.stringify(validateInput.errors)}`);
    const stored = { seq: 1, at: Date.now(), ...parseUpdate(example, type) };
    assert.ok(validateStored(stored), `${type} stored: ${JSON.stringify(validateStored.errors)}`);
  }
  // Every update Stonepot really sends fits the documented union (`null` documented as absent).
  const recorded = JSON.parse(
    await Deno.readTextFile(new URL("../compat/fixtures/stonepot_display_calls.json", import.meta.url)),
  );
  const withoutNulls = (text: string) =>
    JSON.parse(text, (_key, value) => value === null ? undefined : value);
  for (const call of recorded.calls.filter((call: { body?: { type?: string } }) => call.body?.type)) {
    const body = withoutNulls(JSON.stringify(call.body));
    assert.ok(validateInput(body), `${call.name}: ${JSON.stringify(validateInput.errors?.slice(0, 3))}`);
  }
  assert.equal(validateInput({ type: "fake_payment", data: {} }), false, "an unknown type matches no branch");
  assert.equal(
    validateInput({ type: "dish_card", data: { description: "no name" } }),
    false,
    "a missing required field (under every alias) is invalid",
  );
  assert.equal(validateInput({ type: "dish_card", data: { dishName: "Akki Roti" } }), true, "aliases count");
});

Deno.test("the conversation routes document their bodies, responses and errors", async () => {
  await using kiln = await testKiln(conversationEnv);
  const { paths } = await (await kiln.request("/openapi.json")).json();
  for (
    const path of [
      "/conversation/{id}/update",
      "/session/{id}/update",
      "/api/restaurant/sessions/{id}/display",
    ]
  ) {
    const post = paths[path].post;
    assert.equal(
      post.requestBody.content["application/json"].schema.$ref,
      "#/components/schemas/DisplayUpdateInput",
    );
    assert.equal(
      post.responses[201].content["application/json"].schema.properties.update.$ref,
      "#/components/schemas/DisplayUpdate",
    );
    for (const status of ["401", "413", "422"]) {
      assert.equal(
        post.responses[status].content["application/problem+json"].schema.$ref,
        "#/components/schemas/Problem",
      );
    }
  }
  const batch = paths["/conversation/{id}/batch"].post;
  assert.equal(
    batch.requestBody.content["application/json"].schema.properties.updates.items.$ref,
    "#/components/schemas/DisplayUpdateInput",
  );
  const state = paths["/conversation/{id}/state"].get;
  assert.equal(
    state.responses[200].content["application/json"].schema.properties.updates.items.$ref,
    "#/components/schemas/DisplayUpdate",
  );
  assert.ok(state.responses[404]);
  const init = paths["/conversation/{id}/init"].post;
  assert.ok(init.responses[201].content["application/json"].schema.properties.displayUrl);
  assert.ok(init.requestBody.content["application/json"].schema.properties.currency);
});
