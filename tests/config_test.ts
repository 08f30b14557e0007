import assert from "node:assert/strict";
import { ConfigError, configVariables, loadConfig } from "../fresh.config.ts";

Deno.test("defaults give a working laptop configuration", () => {
  const config = loadConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.kvPath, "./data/kiln.sqlite3");
  assert.equal(config.publicUrl, "http://localhost:8000");
  assert.deepEqual(config.corsOrigins, []);
});

Deno.test("a wrong value stops start-up with one line naming the variable", () => {
  for (
    const [name, value] of [["PORT", "eighty"], ["KILN_ADMIN_TOKEN", "short"], ["KILN_LOG_LEVEL", "loud"], [
      "KILN_PUBLIC_URL",
      "not a url",
    ]]
  ) {
    assert.throws(() => loadConfig({ [name]: value }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.variable, name);
      assert.match(error.message, new RegExp(`^Invalid configuration: ${name} `));
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
});

Deno.test("every configuration variable is documented in the README", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  for (const name of Object.keys(configVariables)) {
    assert.match(readme, new RegExp("`" + name + "`"), `${name} missing from README`);
  }
});

Deno.test("the server refuses to start on a bad variable, naming it", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: { PORT: "99999", KILN_KV_PATH: ":memory:" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 1);
  assert.match(new TextDecoder().decode(output.stderr).trim(), /^Invalid configuration: PORT /);
});
