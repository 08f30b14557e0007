import assert from "node:assert/strict";
import { createFileSecretStore } from "../lib/secrets.ts";
import { silentLogger } from "../lib/log.ts";

Deno.test("unset secrets are generated once, kept across calls, and safe to request concurrently", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-secrets-" });
  const secrets = createFileSecretStore(dataDir, silentLogger);
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
