import assert from "node:assert/strict";
import { createLogger } from "../lib/log.ts";

Deno.test("log lines are one JSON object each, and secret-looking fields are redacted", () => {
  const lines: string[] = [];
  const log = createLogger({ sink: (line) => lines.push(line) }).child({ requestId: "r-1" });
  log.info("user_login", {
    userId: "u1",
    token: "eyJhbGciOi",
    apiKey: "k",
    tokensUsed: 42,
    authorization: "Bearer x",
    hasSecret: true,
  });
  log.debug("noise", {});
  assert.equal(lines.length, 1, "debug is below the default level");
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.event, "user_login");
  assert.equal(entry.level, "info");
  assert.equal(entry.requestId, "r-1");
  assert.equal(entry.userId, "u1");
  assert.equal(entry.token, "[redacted]");
  assert.equal(entry.apiKey, "[redacted]");
  assert.equal(entry.authorization, "[redacted]");
  assert.equal(entry.hasSecret, true, "booleans about secrets are kept");
  assert.equal(entry.tokensUsed, 42, "numbers are never secrets");
  assert.doesNotMatch(lines[0], /eyJhbGciOi|Bearer x/);
});
