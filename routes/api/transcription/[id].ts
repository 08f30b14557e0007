import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import { StudioId, transcriptionModule } from "../../../lib/transcription/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A studio transcription: status, progress and the result with its segment timings",
    description: "The same document as `GET /tttranscribe/status/:id`, for ids the studio started. " +
      "`result.segments` are `[{start, end, text, words?}]` in seconds.",
    tags: ["transcription"],
    params: z.object({ id: StudioId }),
    responses: {
      200: {
        description:
          "`{id, status, progress, currentStep, result?: {transcription, summary, segments, …}, error?}`.",
      },
      404: { description: "No studio transcription with this id (`transcription_not_found`)." },
    },
    async handle({ params, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: await services.module(transcriptionModule).studio.status(params.id),
      };
    },
  }),
};
