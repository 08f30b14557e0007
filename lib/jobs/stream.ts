/**
 * A job followed live as Server-Sent Events (`event: job`, data = the public view): a new client
 * first gets the job as it is now, a resuming one (Last-Event-ID) exactly the changes it missed.
 */
import { parseLastEventId, sseResponse } from "../live/sse.ts";
import type { Services } from "../services.ts";
import type { JobRecord } from "./types.ts";
import { publicJobView } from "./view.ts";

export function jobEventStream(
  services: Pick<Services, "live" | "jobs" | "config" | "log">,
  job: JobRecord,
  request: Request,
  url: URL,
): Response {
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
}
