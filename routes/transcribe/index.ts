import { define } from "../../lib/http/route.ts";
import { engineModule, MediaUrlBody, principalUserId } from "../../lib/engine/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Metered transcription: hold the estimate, start the job, settle on the webhook",
    description:
      "402 `insufficient_credits` with `required`, `available` and `heldCredits` when short. Follow it at `statusUrl`.",
    tags: ["engine"],
    auth: "user",
    body: MediaUrlBody,
    idempotent: true,
    idempotencyKeyFrom: (body) => body.clientRequestId,
    responses: { 202: { description: "Accepted; credits held until the result arrives." } },
    async handle({ principal, body, services }) {
      const started = await services.module(engineModule).startTranscription(
        principalUserId(principal),
        body.url,
      );
      return {
        status: 202,
        json: { ok: true, ...started, statusUrl: `/status/${started.requestId}` },
      };
    },
  }),
};
