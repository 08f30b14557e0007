import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { loadConfig } from "../../fresh.config.ts";
import { adminHeaders, bearer, engineKiln, type Json, jwtSecret, userToken } from "./_helpers.ts";

const key = new TextEncoder().encode(jwtSecret);

Deno.test("a user JWT opens the user's own balance; a missing or bad one is a 401 with WWW-Authenticate", async () => {
  await using kiln = await engineKiln();
  const token = await userToken(kiln, "alice");
  const ok = await kiln.request("/v1/credits/balance", { headers: bearer(token) });
  assert.equal(ok.status, 200);
  assert.deepEqual(
    { ...(await ok.json()), updatedAt: undefined },
    { ok: true, userId: "alice", balance: 0, heldCredits: 0, availableCredits: 0, updatedAt: undefined },
  );

  const missing = await kiln.request("/v1/credits/balance");
  assert.equal(missing.status, 401);
  assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer/);
  await missing.body?.cancel();

  const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice")
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
  const noExp = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice").sign(key);
  const wrongKey = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice")
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode("another-secret-that-is-long-enough-0123456789"));
  const header = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "");
  const payload = btoa(JSON.stringify({ sub: "alice", exp: Math.floor(Date.now() / 1000) + 600 })).replace(
    /=+$/,
    "",
  );
  const unsigned = `${header}.${payload}.`;
  const hs512 = await new SignJWT({}).setProtectedHeader({ alg: "HS512" }).setSubject("alice")
    .setExpirationTime("1h").sign(key);
  for (const [name, bad] of Object.entries({ expired, noExp, wrongKey, unsigned, hs512 })) {
    const response = await kiln.request("/v1/credits/balance", { headers: bearer(bad) });
    assert.equal(response.status, 401, name);
    assert.match(response.headers.get("www-authenticate") ?? "", /error="invalid_token"/, name);
    const problem: Json = await response.json();
    assert.equal(problem.code, "invalid_token", name);
  }
});

Deno.test("the admin key works as X-API-Key or Bearer; users and wrong keys are refused", async () => {
  await using kiln = await engineKiln();
  const body = { userId: "bob", amount: 3 };
  assert.equal((await kiln.request("/v1/credits/add", { json: body, headers: adminHeaders })).status, 201);
  const viaBearer = await kiln.request("/v1/credits/add", {
    json: body,
    headers: bearer(adminHeaders["x-api-key"]),
  });
  assert.equal(viaBearer.status, 201);
  const wrong = await kiln.request("/v1/credits/add", { json: body, headers: { "x-api-key": "nope" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const user = await userToken(kiln, "bob");
  const asUser = await kiln.request("/v1/credits/add", { json: body, headers: bearer(user) });
  assert.equal(asUser.status, 401);
  await asUser.body?.cancel();
  const balance: Json = await (await kiln.request("/v1/credits/balance", { headers: bearer(user) })).json();
  assert.equal(balance.balance, 6);
});

Deno.test("a vended service token is not a user login, and a user JWT is not a service token", async () => {
  await using kiln = await engineKiln({ ENGINE_VEND_LIMIT_PER_HOUR: "100" });
  const user = await userToken(kiln, "carol");
  await kiln.request("/v1/credits/add", { json: { userId: "carol", amount: 1 }, headers: adminHeaders });
  const vended: Json = await (await kiln.request("/v1/vend-token", { json: {}, headers: bearer(user) }))
    .json();
  const asUser = await kiln.request("/v1/credits/balance", { headers: bearer(vended.token) });
  assert.equal(asUser.status, 401);
  await asUser.body?.cancel();
  const asService = await kiln.request("/ttt/status/some-job", { headers: bearer(user) });
  assert.equal(asService.status, 401);
  await asService.body?.cancel();
});

Deno.test("an ENGINE_JWT_SECRET shorter than 32 bytes stops start-up", () => {
  assert.throws(() => loadConfig({ ENGINE_JWT_SECRET: "short-secret" }), /ENGINE_JWT_SECRET/);
});

Deno.test("`deno task token <userId>` prints a JWT the server accepts", async () => {
  await using kiln = await engineKiln();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/token.ts", "zoe", "600"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ENGINE_JWT_SECRET: jwtSecret, KILN_DATA_DIR: kiln.services.config.dataDir, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const token = new TextDecoder().decode(output.stdout).trim();
  const balance: Json = await (await kiln.request("/v1/credits/balance", { headers: bearer(token) })).json();
  assert.equal(balance.userId, "zoe");
});
