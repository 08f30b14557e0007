import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import { parseLastEventId, sseResponse } from "../../../lib/live/sse.ts";
import { BatchId, preprocessModule, preprocessTopic, readerAuth } from "../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Follow a batch's progress live (SSE `event: status`, resumable with Last-Event-ID)",
    tags: ["preprocess"],
    auth: readerAuth,
    params: z.object({ batchId: BatchId }),
    query: z.object({ token: z.string().max(100).optional() }),
    responses: {
      200: {
        description: "`text/event-stream`: `event: status` with the seed's status shape on every change.",
      },
      401: { description: "No admin/service credentials and no valid view token." },
      404: { description: "No such batch." },
    },
    async handle({ params, query, principal, services, request, url }) {
      const preprocess = services.module(preprocessModule);
      await preprocess.authorizeRead(params.batchId, principal, query.token);
      const current = await preprocess.status(params.batchId, false);
      const afterSeq = parseLastEventId(request, url);
      return sseResponse({
        feed: services.live,
        topic: preprocessTopic(params.batchId),
        afterSeq,
        heartbeatMs: services.config.liveHeartbeatMs,
        log: services.log,
        // A new client starts from the status as it is now; a resuming one gets what it missed.
        initial: () => Promise.resolve(afterSeq === 0 ? current : undefined),
      });
    },
  }),
};
