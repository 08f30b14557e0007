import { z } from "zod";
import { docToVideoModule, maxDocumentBytes } from "../../lib/doc_to_video/mod.ts";
import { define } from "../../lib/http/route.ts";
import { ipRateLimitKey } from "../../lib/http/client_ip.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "The upload options (avatars, video types, sentiments, categories, models, size limit)",
    tags: ["doc-to-video"],
    responses: {
      200: {
        description: "`{avatars, apiTypes, sentiments, categories, models, defaultModel, maxBytes, …}`.",
      },
    },
    handle: async ({ services }) => ({ json: await services.module(docToVideoModule).pageOptions() }),
  }),
  POST: define.post({
    summary:
      "Turn a PDF into a narrated video (multipart: document, avatar, apiType, sentiment, category, model)",
    description: "PDF only (415), at most 20 MB (413), 5 requests per 10 minutes and 2 unfinished jobs per " +
      "client address (429). Answers 202 with the job id; follow it at status_url or events_url.",
    tags: ["doc-to-video"],
    bodyType: "multipart",
    // Room for the multipart framing around a 20 MB file; the file itself is checked exactly.
    bodyLimit: maxDocumentBytes + 64 * 1024,
    idempotent: true,
    rateLimit: {
      rule: { name: "doc_to_video", algorithm: "fixed_window", limit: 5, windowMs: 10 * 60 * 1000 },
      by: "ip",
    },
    responses: {
      202: {
        description: "Job accepted.",
        schema: z.object({ job_id: z.string(), status_url: z.string(), events_url: z.string() }),
      },
    },
    async handle({ body, services, clientIp, log }) {
      const job = await services.module(docToVideoModule).submit(
        body as FormData,
        ipRateLimitKey(clientIp),
        log,
      );
      return {
        status: 202,
        json: {
          job_id: job.id,
          status: job.status,
          status_url: `/api/video-status/${job.id}`,
          events_url: `/api/doc-to-video/${job.id}/events`,
        },
      };
    },
  }),
};
