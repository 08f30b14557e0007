import { docToVideoService, JobParams } from "../../../../lib/doc_to_video/route_support.ts";
import { define } from "../../../../lib/http/route.ts";
import { publicJobView } from "../../../../lib/jobs/view.ts";
import { parseLastEventId, sseResponse } from "../../../../lib/live/sse.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Follow a doc-to-video job live (Server-Sent Events `job`, resumable with Last-Event-ID)",
    tags: ["doc-to-video"],
    params: JobParams,
    async handle({ params, services, request, url }) {
      await docToVideoService(services).status(params.id);
      const job = (await services.jobs.get(params.id))!;
      const lastEventId = parseLastEventId(request, url);
      return sseResponse({
        feed: services.live,
        topic: services.jobs.topic(job.id),
        afterSeq: lastEventId,
        heartbeatMs: services.config.liveHeartbeatMs,
        log: services.log,
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
