import { define } from "../../lib/http/route.ts";
import { rateLimitHeaders } from "../../lib/http/rate_limit.ts";
import { engineModule, principalUserId, VendTokenBody } from "../../lib/engine/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Spend one credit for a 15-minute service token (scope ttt:transcribe)",
    description:
      "402 `insufficient_credits` with `balance` and `required`; 429 after ENGINE_VEND_LIMIT_PER_HOUR vends per user and hour. A repeated `clientRequestId` or Idempotency-Key returns the same token without a second charge.",
    tags: ["engine"],
    auth: "user",
    body: VendTokenBody,
    idempotent: true,
    idempotencyKeyFrom: (body) => body.clientRequestId,
    responses: {
      200: {
        description:
          "`{token, tokenType, expiresIn, expiresAt, scope, balanceAfter}`; the same token on a replay.",
      },
      402: { description: "Not a credit left (`insufficient_credits`, with `balance` and `required`)." },
      429: { description: "ENGINE_VEND_LIMIT_PER_HOUR tokens this hour (`vend_limit`, with `Retry-After`)." },
    },
    async handle({ principal, body, services }) {
      const { vended, quota } = await services.module(engineModule).vendToken(
        principalUserId(principal),
        body.clientRequestId,
      );
      return {
        status: 200,
        json: { ok: true, ...vended },
        headers: quota ? rateLimitHeaders(quota) : undefined,
      };
    },
  }),
};
