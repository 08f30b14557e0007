import { readJsonBody } from "../../lib/http/body.ts";
import { define } from "../../lib/http/route.ts";
import type { Handlers } from "../../lib/web/manifest.ts";
import { engineModule } from "../../lib/engine/mod.ts";

const webhookBodyLimit = 256 * 1024;

export const handler: Handlers = {
  POST: define.post({
    summary: "Completion webhook from the transcription service (signed, idempotent)",
    description:
      "Standard Webhooks signature + timestamp within ±5 minutes (and X-TTTranscribe-Signature when present); 401 otherwise. Repeated deliveries settle once.",
    tags: ["engine"],
    responses: {
      200: { description: "`{received: true, …}`: settled now, or already settled by an earlier delivery." },
      401: { description: "Bad or missing signature, or a timestamp outside ±5 minutes." },
    },
    async handle({ request, services }) {
      // The signature covers the exact bytes, so the body is read raw here, not by a body schema.
      const { text } = await readJsonBody(request, webhookBodyLimit);
      const outcome = await services.module(engineModule).receiveWebhook(text, request.headers);
      return { json: { received: true, ...outcome } };
    },
  }),
};
