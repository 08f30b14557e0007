import { z } from "zod";
import { KilnError } from "../../../../lib/errors.ts";
import { define } from "../../../../lib/http/route.ts";
import { jobEventStream } from "../../../../lib/jobs/stream.ts";
import { StudioId, transcriptionModule } from "../../../../lib/transcription/mod.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Follow a studio transcription live (Server-Sent Events `job`, resumable with Last-Event-ID)",
    description: "Progress steps: downloading media → extracting audio → transcribing → summarising. " +
      "A result served from the cache has no job: read it at `GET /api/transcription/:id`.",
    tags: ["transcription"],
    params: z.object({ id: StudioId }),
    responses: {
      200: {
        description:
          "`text/event-stream`: `event: job` with `{status, progress, step}` on every change; ends after the final state.",
      },
      204: { description: "The Last-Event-ID is already the job's final state: nothing more will come." },
      404: { description: "No studio transcription with this id, or a cached one (no job to follow)." },
    },
    async handle({ params, services, request, url }) {
      await services.module(transcriptionModule).studio.status(params.id);
      const job = await services.jobs.get(params.id);
      if (!job) {
        throw new KilnError("not_found", "no_job", "This transcription came from the cache; it has no job.");
      }
      return jobEventStream(services, job, request, url);
    },
  }),
};
