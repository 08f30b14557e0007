/**
 * A job followed live as Server-Sent Events (`event: job`, data = the public view): a new client
 * first gets the job as it is now, a resuming one (Last-Event-ID) exactly the changes it missed.
 * The stream ends after the job's terminal state; a client reconnecting with that state already in
 * hand gets 204 No Content, which tells EventSource to stop reconnecting.
 */
import { parseLastEventId, sseResponse } from "../live/sse.ts";
import type { Services } from "../services.ts";
import { isTerminal } from "./transition.ts";
import type { JobRecord, JobStatus } from "./types.ts";
import { publicJobView } from "./view.ts";

export function jobEventStream(
  services: Pick<Services, "live" | "jobs" | "config" | "log">,
  job: JobRecord,
  request: Request,
  url: URL,
): Response {
  const lastEventId = parseLastEventId(request, url);
  if (isTerminal(job.status) && lastEventId >= job.revision) return new Response(null, { status: 204 });
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
    endAfter: (event) => isTerminal((event.data as { status: JobStatus }).status),
  });
}
