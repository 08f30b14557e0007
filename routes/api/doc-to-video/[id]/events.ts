import { docToVideoModule, JobParams } from "../../../../lib/doc_to_video/mod.ts";
import { define } from "../../../../lib/http/route.ts";
import { jobEventStream } from "../../../../lib/jobs/stream.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Follow a doc-to-video job live (Server-Sent Events `job`, resumable with Last-Event-ID)",
    tags: ["doc-to-video"],
    params: JobParams,
    responses: {
      200: {
        description:
          "`text/event-stream`: `event: job` on every progress change; the stream ends after the final state.",
      },
      204: { description: "The Last-Event-ID is already the job's final state: nothing more will come." },
      404: { description: "Unknown, expired or not a doc-to-video job." },
    },
    async handle({ params, services, request, url }) {
      // 404 unless it is a doc-to-video job; after a review the render job's events are the ones to follow.
      const job = await services.module(docToVideoModule).eventsJob(params.id);
      return jobEventStream(services, job, request, url);
    },
  }),
};
