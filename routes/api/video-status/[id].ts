import { docToVideoModule, JobParams } from "../../../lib/doc_to_video/mod.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A doc-to-video job's status, progress, script, video URLs, error and cost",
    description: "The job id is the capability: unknown, expired and other clients' ids all answer 404.",
    tags: ["doc-to-video"],
    params: JobParams,
    responses: {
      200: { description: "`{status, progress, step, script?, video_url?, captions_url?, error?, cost?}`." },
      404: { description: "Unknown, expired or not a doc-to-video job." },
    },
    async handle({ params, services }) {
      return {
        json: await services.module(docToVideoModule).status(params.id),
        headers: { "cache-control": "no-store" },
      };
    },
  }),
};
