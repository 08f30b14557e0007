import assert from "node:assert/strict";
import { createFileSecretStore } from "../lib/secrets.ts";
import { testKiln } from "./support/kiln.ts";

Deno.test("unset secrets are generated once, kept across calls, and safe to request concurrently", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-secrets-" });
  const secrets = createFileSecretStore(dataDir);
  try {
    const names = Array.from({ length: 10 }, (_, index) => `SECRET_${index}`);
    const first = await Promise.all(
      names.map((name) => secrets.ensure(name, undefined)),
    );
    assert.equal(new Set(first).size, 10, "each secret is distinct");
    assert.ok(first.every((secret) => secret.length >= 43));
    const again = await Promise.all(
      names.map((name) => secrets.ensure(name, undefined)),
    );
    assert.deepEqual(again, first, "restarts read the same values");
    assert.deepEqual(secrets.generated(), { names, where: `${dataDir}/secrets.json` });
    assert.deepEqual(createFileSecretStore(dataDir).generated().names, [], "a reopened store generates none");
    const file = JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`));
    assert.deepEqual(Object.keys(file).sort(), [...names].sort());
    assert.equal((await Deno.stat(`${dataDir}/secrets.json`)).mode! & 0o777, 0o600);
    assert.equal(
      await secrets.ensure("SECRET_0", "configured-value"),
      "configured-value",
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("start-up names every generated secret in one log line, never a value", async () => {
  await using kiln = await testKiln();
  const lines = kiln.logs.filter((line) => /secret/.test(String(line.event)));
  assert.equal(lines.length, 1, JSON.stringify(lines.map((line) => line.event)));
  const [line] = lines;
  assert.equal(line.event, "secrets_generated");
  const variables = line.variables as string[];
  assert.ok(variables.includes("SIGNING_KEY") && variables.includes("ENGINE_JWT_SECRET"), variables.join());
  assert.ok(!variables.includes("KILN_ADMIN_TOKEN"), "a configured secret is not generated");
  if (String(line.keptIn).endsWith("secrets.json")) { // on PostgreSQL they are kept in the database
    const values = Object.values(JSON.parse(await Deno.readTextFile(String(line.keptIn))));
    assert.ok(values.every((value) => !JSON.stringify(line).includes(String(value))), "no value is logged");
  }
});
