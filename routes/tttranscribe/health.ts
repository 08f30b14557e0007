import { define } from "../../lib/http/route.ts";
import { transcriptionModule } from "../../lib/transcription/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Transcription service health: configuration booleans, tools, job counts, cache hit rate",
    description:
      "`status` is `degraded` (still 200) when ffmpeg or the ASR provider is unavailable; `problems` says why.",
    tags: ["transcription"],
    responses: {
      200: { description: "`{status: healthy|degraded, environment, tools, jobs, cache, problems?}`." },
    },
    async handle({ services }) {
      const { httpStatus, body } = await services.module(transcriptionModule).health();
      return { status: httpStatus, json: body, headers: { "cache-control": "no-store" } };
    },
  }),
};
