import { define } from "../../../lib/http/route.ts";
import { engineModule, JobIdParam, serviceScope } from "../../../lib/engine/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Status of a transcription started with this user's service token",
    tags: ["engine"],
    auth: "service",
    scopes: [serviceScope],
    params: JobIdParam,
    responses: {
      200: { description: "The transcription service's status document for this job." },
      404: { description: "Not a job this user started." },
      502: {
        description: "The transcription service failed (503 unavailable or circuit open, 504 timeout).",
      },
    },
    async handle({ principal, params, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: {
          ok: true,
          ...await services.module(engineModule).proxyStatus(principal!.id, params.id),
          jobId: params.id,
        },
      };
    },
  }),
};
