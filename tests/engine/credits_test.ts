import assert from "node:assert/strict";
import { adminHeaders, balance, bearer, engineKiln, grant, type Json, range, userToken } from "./_helpers.ts";

Deno.test("fifty concurrent vends with five credits give exactly five tokens and a balance of 0", async () => {
  await using kiln = await engineKiln({ ENGINE_VEND_LIMIT_PER_HOUR: "1000" });
  const token = await userToken(kiln, "dana");
  await grant(kiln, "dana", 5);
  const responses = await Promise.all(
    range(50).map(() => kiln.request("/v1/vend-token", { json: {}, headers: bearer(token) })),
  );
  const bodies: Json[] = await Promise.all(responses.map((response) => response.json()));
  const statuses = responses.map((response) => response.status);
  assert.equal(statuses.filter((status) => status === 200).length, 5, JSON.stringify(statuses));
  assert.equal(statuses.filter((status) => status === 402).length, 45);
  const tokens = new Set(bodies.filter((body) => body.token).map((body) => body.token));
  assert.equal(tokens.size, 5);
  assert.deepEqual(
    bodies.filter((body) => body.token).map((body) => body.balanceAfter).sort(),
    [0, 1, 2, 3, 4],
  );
  const refused = bodies.find((body) => body.code === "insufficient_credits");
  assert.equal(refused.balance, 0);
  assert.equal(refused.required, 1);
  const after = await balance(kiln, token);
  assert.equal(after.balance, 0);
  assert.equal(after.availableCredits, 0);
  const ledger: Json =
    await (await kiln.request("/v1/credits/transactions?limit=100", { headers: bearer(token) }))
      .json();
  assert.equal(ledger.items.filter((entry: Json) => entry.type === "charge").length, 5);
});

Deno.test("a vend replay returns the same token without a second charge, and never to another user", async () => {
  await using kiln = await engineKiln();
  const erin = await userToken(kiln, "erin");
  const frank = await userToken(kiln, "frank");
  await grant(kiln, "erin", 3);
  await grant(kiln, "frank", 3);
  const vend = (token: string, extra: Record<string, string> = {}, body: unknown = {}) =>
    kiln.request("/v1/vend-token", { json: body, headers: { ...bearer(token), ...extra } });

  const first: Json = await (await vend(erin, { "idempotency-key": "k-1" })).json();
  const replay = await vend(erin, { "idempotency-key": "k-1" });
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const replayed: Json = await replay.json();
  assert.equal(replayed.token, first.token);
  assert.equal(first.expiresIn, 900);
  assert.equal(first.scope, "ttt:transcribe");
  assert.equal(first.balanceAfter, 2);
  assert.ok(first.requestId);

  const other: Json = await (await vend(frank, { "idempotency-key": "k-1" })).json();
  assert.notEqual(other.token, first.token);

  // clientRequestId in the body: concurrent duplicates charge once.
  const duplicates: Json[] = await Promise.all(
    range(5).map(async () => await (await vend(erin, {}, { clientRequestId: "c-7" })).json()),
  );
  assert.equal(new Set(duplicates.map((body) => body.token)).size, 1);
  assert.equal((await balance(kiln, erin)).balance, 1);
  assert.equal((await balance(kiln, frank)).balance, 2);
});

Deno.test("vend-token answers 429 after the hourly limit per user", async () => {
  await using kiln = await engineKiln({ ENGINE_VEND_LIMIT_PER_HOUR: "3" });
  const token = await userToken(kiln, "gina");
  await grant(kiln, "gina", 10);
  const statuses = [];
  for (const _ of range(4)) {
    const response = await kiln.request("/v1/vend-token", { json: {}, headers: bearer(token) });
    statuses.push(response.status);
    if (response.status === 429) assert.ok(Number(response.headers.get("retry-after")) > 0);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  assert.equal((await balance(kiln, token)).balance, 7);
});

Deno.test("credits/add is idempotent per clientRequestId, even under concurrency", async () => {
  await using kiln = await engineKiln();
  const token = await userToken(kiln, "hana");
  const add = () =>
    kiln.request("/v1/credits/add", {
      json: { userId: "hana", amount: 10, clientRequestId: "grant-1" },
      headers: adminHeaders,
    });
  const responses = await Promise.all(range(10).map(add));
  for (const response of responses) {
    assert.ok([200, 201].includes(response.status), String(response.status));
    await response.body?.cancel();
  }
  assert.equal((await balance(kiln, token)).balance, 10);
  const later = await add();
  assert.equal(later.status, 200);
  const replay: Json = await later.json();
  assert.deepEqual([replay.ok, replay.replayed, replay.balance.balance, replay.newBalance], [
    true,
    true,
    10,
    10,
  ]);
});

Deno.test("the same clientRequestId for two users credits both (idempotency is per user)", async () => {
  await using kiln = await engineKiln();
  const users = ["ines", "jon"];
  const tokens = await Promise.all(users.map((user) => userToken(kiln, user)));
  for (const userId of users) {
    const response = await kiln.request("/v1/credits/add", {
      json: { userId, amount: 4, clientRequestId: "purchase-1" },
      headers: adminHeaders,
    });
    assert.equal(response.status, 201, userId);
    assert.equal((await response.json()).replayed, false);
  }
  for (const token of tokens) assert.equal((await balance(kiln, token)).balance, 4);
});

Deno.test("transactions are listed newest first and paged with a cursor", async () => {
  await using kiln = await engineKiln();
  const token = await userToken(kiln, "ivan");
  for (const amount of [1, 2, 3, 4, 5]) await grant(kiln, "ivan", amount);
  const first: Json =
    await (await kiln.request("/v1/credits/transactions?limit=2", { headers: bearer(token) })).json();
  assert.deepEqual(first.items.map((entry: Json) => entry.amount), [5, 4]);
  assert.equal(first.items[0].balanceAfter, 15);
  const second: Json = await (await kiln.request(
    `/v1/credits/transactions?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
    { headers: bearer(token) },
  )).json();
  assert.deepEqual(second.items.map((entry: Json) => entry.amount), [3, 2]);
  const third: Json = await (await kiln.request(
    `/v1/credits/transactions?limit=2&cursor=${encodeURIComponent(second.nextCursor)}`,
    { headers: bearer(token) },
  )).json();
  assert.deepEqual(third.items.map((entry: Json) => entry.amount), [1]);
  assert.equal(third.nextCursor, null);
  const bad = await kiln.request("/v1/credits/transactions?cursor=garbage", { headers: bearer(token) });
  assert.equal(bad.status, 422);
  await bad.body?.cancel();
});
