/**
 * The API reference a person reads: /openapi.json describes every operation's responses and the
 * errors its declaration implies, with every auth kind it names; /docs renders fields as tables and
 * gives curl lines that work as written against a running Kiln.
 */
import assert from "node:assert/strict";
import { testAdminToken, testKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("every operation documents a success response; errors follow from its declaration", async () => {
  await using kiln = await testKiln();
  const document: Json = await (await kiln.request("/openapi.json")).json();
  const schemes = Object.keys(document.components.securitySchemes);
  const undocumented: string[] = [];
  for (const [path, operations] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          assert.ok(schemes.includes(scheme), `${where}: ${scheme}`);
        }
      }
      if (operation.security?.every((requirement: Json) => Object.keys(requirement).length > 0)) {
        assert.ok(operation.responses["401"], `${where} needs credentials, so it can answer 401`);
      }
      if (operation.requestBody) assert.ok(operation.responses["422"] || operation.responses["413"], where);
      const answers = Object.entries<Json>(operation.responses).filter(([status]) => status !== "default");
      const success = answers.filter(([status]) => /^[23]/.test(status));
      // A route that only ever answers errors (a catch-all 404) documents those instead.
      const onlyErrors = success.length === 0 && answers.some(([status]) => /^4/.test(status));
      if (
        !onlyErrors &&
        (success.length === 0 || success.every(([, response]) => response.description === "OK"))
      ) {
        undocumented.push(where);
      }
    }
  }
  // The conversation display's payload schemas are documented by their own module.
  assert.deepEqual(
    undocumented.filter((where) => !/ \/(conversation|session|api\/restaurant|api\/themes)\//.test(where)),
    [],
  );
  const grant = document.paths["/v1/credits/add"].post;
  assert.match(grant.responses["429"]?.description ?? grant.responses["422"].description, /./);
  assert.equal(document.paths["/docs"].get["x-kiln-page"], true);
  assert.equal(document.paths["/docs"].get.responses["200"].content["text/html"] !== undefined, true);
});

Deno.test("the docs page shows request fields as a table and a curl line per operation", async () => {
  await using kiln = await testKiln();
  const html = await (await kiln.request("/docs")).text();
  const grant = html.slice(html.indexOf('id="op-post-v1-credits-add"'));
  const section = grant.slice(0, grant.indexOf("</details>"));
  assert.match(section, /<caption>Request body \(application\/json\)<\/caption>/);
  assert.match(section, /<code>userId<\/code><span class="badge docs-required">required<\/span>/);
  assert.match(section, /1–1000000/);
  assert.match(section, /curl -s -X POST &quot;\$KILN\/v1\/credits\/add&quot;/);
  assert.match(section, /x-api-key: \$ENGINE_ADMIN_KEY/);
  assert.match(html, /KILN_ADMIN_TOKEN=\$\(\.\/deno task -q secret KILN_ADMIN_TOKEN\)/);
  assert.doesNotMatch(html, /<script/, "the docs page needs no JavaScript");
});

const curl = systemTool("curl", ["/usr/bin/curl"], "apt-get install -y curl");

Deno.test({
  name: "the docs' curl lines work as written",
  ignore: curl.ignore,
  async fn() {
    await using kiln = await testKiln({ ENGINE_ADMIN_KEY: "docs-test-engine-admin-key-0123456789abcdef" });
    const base = kiln.listen();
    const html = await (await kiln.request("/docs")).text();
    const curlOf = (anchor: string) => {
      const start = html.indexOf(`id="${anchor}"`);
      const block = /<pre class="docs-curl"><code>([\s\S]*?)<\/code><\/pre>/.exec(html.slice(start))![1];
      return block.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&").replaceAll(
        "&lt;",
        "<",
      )
        .replaceAll("&gt;", ">");
    };
    const run = async (anchor: string) => {
      const output = await new Deno.Command("bash", {
        args: ["-c", `${curlOf(anchor)} -w '\\n%{http_code}'`],
        env: {
          KILN: base,
          KILN_ADMIN_TOKEN: testAdminToken,
          ENGINE_ADMIN_KEY: "docs-test-engine-admin-key-0123456789abcdef",
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        },
        stdout: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout).trim();
      const status = Number(text.slice(text.lastIndexOf("\n") + 1));
      return { status, body: JSON.parse(text.slice(0, text.lastIndexOf("\n"))) };
    };
    assert.equal((await run("op-get-health")).status, 200);
    const granted = await run("op-post-v1-credits-add");
    assert.equal(granted.status, 201, JSON.stringify(granted.body));
    assert.equal(granted.body.balance.balance, 1);
    const accounts = await run("op-get-v1-admin-users");
    assert.deepEqual(accounts.body.items.map((account: Json) => account.userId), ["ada"]);
    assert.equal((await run("op-get-api-admin-jobs-counts")).status, 200);
  },
});

Deno.test("/openapi.json carries an ETag; a client holding it gets 304 without the body", async () => {
  await using kiln = await testKiln();
  const first = await kiln.request("/openapi.json");
  assert.equal(first.status, 200);
  assert.match(first.headers.get("content-type") ?? "", /^application\/json/);
  assert.ok(first.headers.get("content-security-policy") || first.headers.get("x-content-type-options"));
  const etag = first.headers.get("etag");
  assert.match(etag ?? "", /^"[0-9a-f]{32}"$/);
  const document = await first.json();
  assert.equal(document.openapi, "3.1.0");

  const again = await kiln.request("/openapi.json", { headers: { "if-none-match": etag! } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  const stale = await kiln.request("/openapi.json", { headers: { "if-none-match": '"0"' } });
  assert.equal(stale.status, 200);
  assert.equal((await stale.json()).openapi, "3.1.0");
});
