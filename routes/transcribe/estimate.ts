import { define } from "../../lib/http/route.ts";
import { engineModule, MediaUrlBody } from "../../lib/engine/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Estimate the credits a transcription of this URL will hold",
    tags: ["engine"],
    auth: "user",
    body: MediaUrlBody,
    responses: {
      200: { description: "`{url, estimatedCredits, estimatedDurationSeconds, upstream}`." },
      502: {
        description: "The transcription service failed (503 unavailable or circuit open, 504 timeout).",
      },
    },
    async handle({ body, services }) {
      return { json: { ok: true, ...await services.module(engineModule).estimate(body.url) } };
    },
  }),
};
