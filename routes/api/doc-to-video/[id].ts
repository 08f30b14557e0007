import { docToVideoModule, JobParams } from "../../../lib/doc_to_video/mod.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A doc-to-video job's status (same as /api/video-status/:id)",
    tags: ["doc-to-video"],
    params: JobParams,
    responses: {
      200: { description: "`{status, progress, step, script?, video_url?, captions_url?, error?, cost?}`." },
      404: { description: "Unknown, expired or not a doc-to-video job." },
    },
    async handle({ params, services }) {
      return { json: await services.module(docToVideoModule).status(params.id) };
    },
  }),
  DELETE: define.delete({
    summary: "Cancel a doc-to-video job (frees its concurrency slot)",
    tags: ["doc-to-video"],
    params: JobParams,
    responses: {
      200: { description: "The job's status after cancelling." },
      404: { description: "Unknown, expired or not a doc-to-video job." },
    },
    async handle({ params, services }) {
      return { json: await services.module(docToVideoModule).cancel(params.id) };
    },
  }),
};
