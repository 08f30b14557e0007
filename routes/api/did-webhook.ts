import { z } from "zod";
import { docToVideoModule, receiveWebhook, WebhookQuery } from "../../lib/doc_to_video/mod.ts";
import { define } from "../../lib/http/route.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "D-ID status callback (verified by the per-job token in its URL; replays are no-ops)",
    tags: ["doc-to-video"],
    query: WebhookQuery,
    body: z.record(z.string(), z.unknown()),
    bodyLimit: 64 * 1024,
    responses: {
      200: { description: "`{received: true, duplicate}`; a replay changes nothing." },
      401: { description: "The job token in the URL is wrong, or the render is not the job's." },
    },
    async handle({ query, body, services, log }) {
      const outcome = await receiveWebhook(
        services.kv,
        services.module(docToVideoModule).webhookSecret,
        query,
        body,
      );
      log.info("did_webhook", { ...outcome });
      return { json: { received: true, duplicate: outcome.duplicate } };
    },
  }),
};
