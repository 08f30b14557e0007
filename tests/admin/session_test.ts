/**
 * Admin console sign-in: the form sets an HttpOnly, SameSite=Strict session cookie; the cookie
 * authorises the same JSON APIs the admin token does; changes need the session's CSRF token; sign
 * out ends the session; pages send signed-out visitors to the sign-in page and back.
 */
import assert from "node:assert/strict";
import { testAdminToken, testKiln } from "../support/kiln.ts";
import { createAdminSessions } from "../../lib/admin/session.ts";
import { signIn } from "./_helpers.ts";

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

Deno.test("signing in sets a hardened session cookie and returns to the page asked for", async () => {
  await using kiln = await testKiln();
  const wrong = await kiln.request("/admin/login", form({ token: "not-the-token", next: "/admin/jobs" }));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get("set-cookie"), null);
  assert.match(await wrong.text(), /That is not the admin token/);

  const right = await kiln.request("/admin/login", form({ token: testAdminToken, next: "/admin/credits" }));
  assert.equal(right.status, 303);
  assert.equal(right.headers.get("location"), "/admin/credits");
  const cookie = right.headers.get("set-cookie")!;
  assert.match(cookie, /^kiln_admin=[\w-]{40,};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.doesNotMatch(cookie, /Secure/, "plain-http public URL: no Secure flag, or the browser drops it");
  assert.ok(!cookie.includes(testAdminToken), "the cookie is a session id, not the admin token");
});

Deno.test("next never leaves the site", async () => {
  await using kiln = await testKiln();
  for (
    const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
  ) {
    const response = await kiln.request("/admin/login", form({ token: testAdminToken, next }));
    assert.equal(response.headers.get("location"), "/admin", next);
  }
});

Deno.test("admin pages send a signed-out visitor to the sign-in page", async () => {
  await using kiln = await testKiln();
  const response = await kiln.request("/admin/jobs?status=queued");
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), "/admin/login?next=%2Fadmin%2Fjobs%3Fstatus%3Dqueued");
  const signedIn = await signIn(kiln);
  const page = await kiln.request("/admin/jobs", { headers: { cookie: signedIn.cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<h1>Jobs<\/h1>/);
  // Already signed in: the sign-in page goes straight on.
  const login = await kiln.request("/admin/login?next=/admin/batches", {
    headers: { cookie: signedIn.cookie },
  });
  assert.equal(login.headers.get("location"), "/admin/batches");
});

Deno.test("the session cookie authorises admin APIs; changes also need the CSRF token", async () => {
  await using kiln = await testKiln();
  const { cookie, csrf } = await signIn(kiln);
  assert.equal((await kiln.request("/api/admin/jobs/counts")).status, 401);
  const counts = await kiln.request("/api/admin/jobs/counts", { headers: { cookie } });
  assert.equal(counts.status, 200);
  assert.deepEqual(Object.keys(await counts.json()).sort(), ["failed", "kinds", "queued", "running"]);

  const grant = { userId: "ada", amount: 5 };
  const withoutCsrf = await kiln.request("/v1/credits/add", { json: grant, headers: { cookie } });
  assert.equal(withoutCsrf.status, 403);
  assert.equal((await withoutCsrf.json()).code, "csrf_token_invalid");
  const wrongCsrf = await kiln.request("/v1/credits/add", {
    json: grant,
    headers: { cookie, "x-csrf-token": "x".repeat(43) },
  });
  assert.equal(wrongCsrf.status, 403);
  const granted = await kiln.request("/v1/credits/add", {
    json: grant,
    headers: { cookie, "x-csrf-token": csrf },
  });
  assert.equal(granted.status, 201);
  assert.equal((await granted.json()).balance.balance, 5);
});

Deno.test("signing out ends the session; a stale form cannot sign anyone out", async () => {
  await using kiln = await testKiln();
  const { cookie, csrf } = await signIn(kiln);
  const stale = await kiln.request("/admin/logout", {
    ...form({ csrf: "stale" }),
    headers: { ...form({}).headers, cookie },
  });
  assert.equal(stale.status, 403);
  assert.equal((await kiln.request("/api/admin/jobs/counts", { headers: { cookie } })).status, 200);

  const out = await kiln.request("/admin/logout", {
    ...form({ csrf }),
    headers: { ...form({}).headers, cookie },
  });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get("location"), "/admin/login");
  assert.match(out.headers.get("set-cookie")!, /kiln_admin=;.*Max-Age=0/);
  assert.equal((await kiln.request("/api/admin/jobs/counts", { headers: { cookie } })).status, 401);
});

Deno.test("sign-in attempts are rate limited per address", async () => {
  await using kiln = await testKiln();
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 11; attempt++) {
    statuses.push((await kiln.request("/admin/login", form({ token: `guess-${attempt}` }))).status);
  }
  assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
});

Deno.test("a session expires after its lifetime and is Secure on an https site", async () => {
  await using kiln = await testKiln();
  let now = 1_000_000;
  const sessions = createAdminSessions({
    kv: kiln.services.kv,
    adminToken: testAdminToken,
    ttlMs: 60_000,
    secure: true,
    now: () => now,
  });
  assert.equal(await sessions.signIn("wrong"), null);
  const { setCookie } = (await sessions.signIn(testAdminToken))!;
  assert.match(setCookie, /Secure/);
  const request = new Request("http://kiln/x", { headers: { cookie: setCookie.split(";")[0] } });
  assert.ok(await sessions.read(request));
  now += 60_001;
  assert.equal(await sessions.read(request), null);
  assert.equal(await sessions.resolver(request), null);
});
