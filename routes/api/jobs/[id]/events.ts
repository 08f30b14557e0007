import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import { accessibleJob } from "../../../../lib/jobs/access.ts";
import { jobEventStream } from "../../../../lib/jobs/stream.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Follow a job live (Server-Sent Events, `event: job`, resumable with Last-Event-ID)",
    tags: ["jobs"],
    auth: ["admin", "optional"],
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: {
      200: {
        description:
          "`text/event-stream`: `event: job` with the job view on every change; the stream ends after the final state.",
      },
      204: { description: "The Last-Event-ID is already the job's final state: nothing more will come." },
      404: { description: "No such job, or not the caller's (`job_not_found`)." },
    },
    async handle({ params, services, principal, request, url }) {
      const job = await accessibleJob(services.jobs, params.id, principal);
      return jobEventStream(services, job, request, url);
    },
  }),
};
