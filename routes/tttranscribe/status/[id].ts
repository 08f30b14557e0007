import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import { engineAuthKind, transcriptionModule } from "../../../lib/transcription/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Status, progress and result of a transcription",
    description: "Needs `X-Engine-Auth`; not rate limited (polling is expected).",
    tags: ["transcription"],
    auth: engineAuthKind,
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: {
      200: {
        description:
          "`{id, status: queued|processing|completed|failed, progress, currentStep, estimatedCompletion, " +
          "result?, error?, webhook?}`.",
      },
      404: { description: "No transcription with this id (`transcription_not_found`)." },
    },
    async handle({ params, services }) {
      return {
        json: await services.module(transcriptionModule).status(params.id),
        headers: { "cache-control": "no-store" },
      };
    },
  }),
};
