import { define } from "../../../lib/http/route.ts";
import { AddCreditsBody, engineAdminAuth, engineModule } from "../../../lib/engine/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Grant credits to a user (admin)",
    description:
      "Idempotent per user: a repeated `clientRequestId` for the same user adds nothing and answers 200 `replayed: true`; the same id for another user is that user's own grant. An Idempotency-Key replays the stored answer.",
    tags: ["engine"],
    auth: engineAdminAuth,
    body: AddCreditsBody,
    // Idempotency-Key replays the stored answer; `clientRequestId` is the ledger's own, per user
    // (the same id for two users credits both) and answers `replayed: true` when repeated.
    idempotent: true,
    responses: {
      201: { description: "Granted: `{ok, userId, added, entryId, balance, newBalance, replayed: false}`." },
      200: { description: "A repeated clientRequestId for this user: nothing added (`replayed: true`)." },
      422: { description: "A clientRequestId reused for another amount (`client_request_id_reused`)." },
    },
    async handle({ body, services }) {
      const granted = await services.module(engineModule).grant(body);
      return {
        status: granted.replayed ? 200 : 201,
        json: { ok: true, ...granted, newBalance: granted.balance.balance },
      };
    },
  }),
};
