/**
 * The JSON APIs the admin console reads (and scripts use with the admin token): jobs by status and
 * kind with counts, credit accounts, holds and one user's ledger, preprocessing batches, and live
 * conversation sessions with their display links.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { adminHeaders, engineKiln, fakeTtt, grant, userToken } from "../engine/_helpers.ts";

Deno.test("jobs are listed by status and kind, with counts and the defined kinds", async () => {
  await using kiln = await testKiln();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  kiln.services.jobs.define("test.gated", z.object({ n: z.number() }), async () => await gate);
  kiln.services.jobs.define("test.broken", z.object({}), () => Promise.reject(new Error("always broken")), {
    maxAttempts: 1,
  });
  const running = await kiln.services.jobs.enqueue("test.gated", { n: 1 });
  const later = await kiln.services.jobs.enqueue("test.gated", { n: 2 }, { delay: 60_000 });
  const broken = await kiln.services.jobs.enqueue("test.broken", {});
  const status = async (id: string) => (await kiln.services.jobs.get(id))?.status;
  await waitFor("the gated job to run", async () => await status(running.id) === "running");
  await waitFor("the broken job to fail", async () => await status(broken.id) === "failed");

  const list = async (query: string) => {
    const response = await kiln.request(`/api/admin/jobs?${query}`, { admin: true });
    assert.equal(response.status, 200, query);
    return ((await response.json()).jobs as { id: string; input: unknown }[]).map((job) => job.id);
  };
  assert.deepEqual(await list("status=running"), [running.id]);
  assert.deepEqual(await list("status=queued"), [later.id]);
  assert.deepEqual(await list(""), [broken.id], "the default is the dead letters");
  assert.deepEqual(await list("status=failed&kind=test.gated"), []);
  const counts = await (await kiln.request("/api/admin/jobs/counts", { admin: true })).json();
  assert.deepEqual({ ...counts, kinds: undefined }, { queued: 1, running: 1, failed: 1, kinds: undefined });
  assert.ok(counts.kinds.includes("test.gated") && counts.kinds.includes("tttranscribe.transcribe"));

  release();
  await waitFor("the gated job to finish", async () => await status(running.id) === "succeeded");
  await kiln.request(`/api/jobs/${later.id}`, { method: "DELETE", admin: true });
  assert.deepEqual(await list("status=succeeded&kind=test.gated"), [running.id]);
  assert.deepEqual(await list("status=cancelled"), [later.id]);
  assert.equal((await kiln.request("/api/admin/jobs?status=lost", { admin: true })).status, 422);
  assert.equal((await kiln.request("/api/admin/jobs")).status, 401);
});

Deno.test("accounts, holds and one user's ledger, for the engine key and the Kiln admin alike", async () => {
  await using ttt = fakeTtt();
  await using kiln = await engineKiln({ TTT_BASE: ttt.base });
  await grant(kiln, "ada", 10);
  await grant(kiln, "bo", 3);
  // Ada starts a metered transcription: its estimate (2 credits) is held until the webhook.
  const started = await kiln.request("/transcribe", {
    json: { url: "https://example.com/talk.mp3" },
    headers: { authorization: `Bearer ${await userToken(kiln, "ada")}` },
  });
  assert.equal(started.status, 202);
  const { requestId } = await started.json();

  for (const headers of [adminHeaders, undefined]) {
    const accounts = await (await kiln.request("/v1/admin/users", { headers, admin: !headers })).json();
    assert.deepEqual(
      accounts.items.map((a: { userId: string; availableCredits: number }) => [a.userId, a.availableCredits]),
      [["ada", 8], ["bo", 3]],
    );
    assert.equal(accounts.nextCursor, null);
  }
  const firstPage = await (await kiln.request("/v1/admin/users?limit=1", { headers: adminHeaders })).json();
  assert.deepEqual(firstPage.items.map((a: { userId: string }) => a.userId), ["ada"]);
  const secondPage = await (await kiln.request(`/v1/admin/users?limit=1&cursor=${firstPage.nextCursor}`, {
    headers: adminHeaders,
  })).json();
  assert.deepEqual(secondPage.items.map((a: { userId: string }) => a.userId), ["bo"]);
  const badCursor = await kiln.request("/v1/admin/users?cursor=garbage", { headers: adminHeaders });
  assert.equal(badCursor.status, 422);
  assert.equal((await badCursor.json()).code, "invalid_cursor");

  const holds = await (await kiln.request("/v1/admin/holds", { admin: true })).json();
  assert.deepEqual(holds.items.map((h: { requestId: string; credits: number }) => [h.requestId, h.credits]), [
    [requestId, 2],
  ]);
  const ada = await (await kiln.request("/v1/admin/users/ada", { admin: true })).json();
  assert.deepEqual(ada.balance.heldCredits, 2);
  assert.deepEqual(ada.holds.map((h: { requestId: string }) => h.requestId), [requestId]);
  assert.deepEqual(ada.transactions.items.map((e: { type: string }) => e.type), ["hold", "grant"]);
  const nobody = await (await kiln.request("/v1/admin/users/nobody", { admin: true })).json();
  assert.deepEqual([nobody.balance.balance, nobody.holds, nobody.transactions.items], [0, [], []]);
  assert.equal((await kiln.request("/v1/admin/users")).status, 401);
  assert.equal(
    (await kiln.request("/v1/admin/users/ada", { headers: { authorization: "Bearer x" } })).status,
    401,
  );
});

Deno.test("the Kiln admin token grants credits and mints user tokens like the engine key", async () => {
  await using kiln = await engineKiln();
  const granted = await kiln.request("/v1/credits/add", {
    json: { userId: "cy", amount: 4 },
    admin: true,
    headers: { "idempotency-key": "grant-cy-1" },
  });
  assert.equal(granted.status, 201);
  const replay = await kiln.request("/v1/credits/add", {
    json: { userId: "cy", amount: 4 },
    admin: true,
    headers: { "idempotency-key": "grant-cy-1" },
  });
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const minted = await kiln.request("/v1/admin/users/cy/token", { json: { ttlSeconds: 600 }, admin: true });
  assert.equal(minted.status, 201);
  const balance = await kiln.request("/v1/credits/balance", {
    headers: { authorization: `Bearer ${(await minted.json()).token}` },
  });
  assert.equal((await balance.json()).balance, 4, "granted once, readable with the minted token");
});

Deno.test("preprocessing batches are listed with their links; conversation sessions with their displays", async () => {
  await using kiln = await testKiln({ DISPLAY_SERVICE_TOKEN: "admin-test-display-token-0123456789abcdef" });
  const files = [{ r2_key: "staging/b/missing.tif", file_name: "missing.tif", file_size: 10 }];
  for (const batch_id of ["b-2", "b-1"]) {
    assert.equal(
      (await kiln.request("/preprocess/batches", { json: { batch_id, files }, admin: true })).status,
      202,
    );
  }
  const batches = await (await kiln.request("/preprocess/batches", { admin: true })).json();
  assert.deepEqual(batches.items.map((b: { batch_id: string }) => b.batch_id), ["b-1", "b-2"]);
  assert.match(batches.items[0].page_url, /\/preprocess\/b-1\?token=\w+$/);
  assert.equal((await kiln.request("/preprocess/batches")).status, 401);

  const init = await kiln.request("/conversation/new/init", {
    json: { tenantId: "bistro" },
    headers: { authorization: "Bearer admin-test-display-token-0123456789abcdef" },
  });
  const { sessionId, displayUrl } = await init.json();
  const sessions = await (await kiln.request("/api/admin/conversation/sessions", { admin: true })).json();
  assert.deepEqual(
    sessions.items.map((s: { sessionId: string; displayUrl: string }) => [s.sessionId, s.displayUrl]),
    [
      [sessionId, displayUrl],
    ],
  );
  assert.equal((await kiln.request("/api/admin/conversation/sessions")).status, 401);
});
