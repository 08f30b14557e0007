import { define } from "../../../lib/http/route.ts";
import { AddCreditsBody, engineAdminAuth } from "../../../lib/engine/schemas.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Grant credits to a user (admin)",
    description:
      "Idempotent: a repeated `clientRequestId` (or Idempotency-Key) adds nothing and returns the first answer.",
    tags: ["engine"],
    auth: engineAdminAuth,
    body: AddCreditsBody,
    idempotent: true,
    idempotencyKeyFrom: (body) => body.clientRequestId,
    responses: {
      201: { description: "Granted: `{userId, added, entryId, balance, replayed: false}`." },
      200: { description: "A replay: the first grant's answer, nothing added (`replayed: true`)." },
      422: { description: "A clientRequestId reused for another amount (`client_request_id_reused`)." },
    },
    async handle({ body, services }) {
      const granted = await services.engine!.grant(body);
      return { status: granted.replayed ? 200 : 201, json: granted };
    },
  }),
};
