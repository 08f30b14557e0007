import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import { publicJobView } from "../../../../lib/jobs/view.ts";
import { parseLastEventId, sseResponse } from "../../../../lib/live/sse.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";
import { accessibleJob } from "../../../../lib/jobs/access.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Follow a job live (Server-Sent Events, `event: job`, resumable with Last-Event-ID)",
    tags: ["jobs"],
    auth: ["admin", "optional"],
    params: z.object({ id: z.string().min(1).max(64) }),
    async handle({ params, services, principal, request, url }) {
      const job = await accessibleJob(services.jobs, params.id, principal);
      const lastEventId = parseLastEventId(request, url);
      return sseResponse({
        feed: services.live,
        topic: services.jobs.topic(job.id),
        afterSeq: lastEventId,
        heartbeatMs: services.config.liveHeartbeatMs,
        log: services.log,
        // A new client first gets the job as it is now; a resuming one gets exactly what it missed.
        initial: () =>
          Promise.resolve(
            lastEventId === 0
              ? [{ seq: job.revision, type: "job", data: publicJobView(job), at: job.updatedAt }]
              : [],
          ),
      });
    },
  }),
};
