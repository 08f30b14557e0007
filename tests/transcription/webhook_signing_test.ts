import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import { KilnError } from "../../lib/errors.ts";
import { hexSignature, signWebhook, verifyWebhook } from "../../lib/webhooks/standard.ts";

const secret = "a-shared-webhook-secret-of-enough-length-123";

Deno.test("signed webhooks verify with our helper, the library and the seed's hex signature", async () => {
  const signed = await signWebhook(secret, { requestId: "r1", status: "completed" }, { messageId: "msg_1" });
  assert.equal(signed.headers["webhook-id"], "msg_1");
  assert.equal(signed.headers["x-idempotency-key"], "msg_1");
  assert.match(signed.headers["webhook-signature"], /^v1,[A-Za-z0-9+/=]+$/);
  assert.equal(signed.headers["x-tttranscribe-signature"], await hexSignature(secret, signed.body));
  assert.match(signed.headers["x-tttranscribe-signature"], /^[0-9a-f]{64}$/);

  const verified = await verifyWebhook<{ requestId: string }>(
    secret,
    signed.body,
    new Headers(signed.headers),
  );
  assert.equal(verified.payload.requestId, "r1");
  assert.equal(verified.messageId, "msg_1");
  const library = new Webhook(new TextEncoder().encode(secret), { format: "raw" });
  assert.deepEqual(library.verify(signed.body, signed.headers), { requestId: "r1", status: "completed" });
});

Deno.test("forged, tampered and stale webhooks are refused", async () => {
  const signed = await signWebhook(secret, { requestId: "r2" }, { messageId: "msg_2" });
  const code = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (error) => error);
    assert.ok(error instanceof KilnError, "expected a KilnError");
    assert.equal(error.kind, "unauthorized");
    return error.code;
  };
  assert.equal(
    await code(verifyWebhook("another-secret-entirely-0123456789", signed.body, signed.headers)),
    "invalid_signature",
  );
  assert.equal(
    await code(verifyWebhook(secret, signed.body.replace("r2", "r3"), signed.headers)),
    "invalid_signature",
  );
  assert.equal(
    await code(
      verifyWebhook(secret, signed.body, { ...signed.headers, "x-tttranscribe-signature": "00".repeat(32) }),
    ),
    "invalid_signature",
  );
  const { "webhook-signature": _, ...unsigned } = signed.headers;
  assert.equal(await code(verifyWebhook(secret, signed.body, unsigned)), "invalid_signature");
  const old = await signWebhook(secret, { requestId: "r2" }, {
    messageId: "msg_old",
    timestamp: new Date(Date.now() - 6 * 60_000),
  });
  assert.equal(await code(verifyWebhook(secret, old.body, old.headers)), "stale_timestamp");
  // A clock slightly behind is fine (within ±5 min).
  const recent = await signWebhook(secret, { requestId: "r2" }, {
    messageId: "msg_recent",
    timestamp: new Date(Date.now() - 4 * 60_000),
  });
  assert.equal((await verifyWebhook(secret, recent.body, recent.headers)).messageId, "msg_recent");
});
