import { define } from "../../lib/http/route.ts";
import { engineModule, principalUserId, RequestIdParam } from "../../lib/engine/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A metered transcription: status, transcript and credits held/charged/released (owner only)",
    tags: ["engine"],
    auth: "user",
    params: RequestIdParam,
    responses: {
      200: {
        description:
          "`{requestId, status, progress, currentStep, credits: {held, charged, refunded}, result, error}`.",
      },
      404: { description: "No such request for this user (`request_not_found`)." },
    },
    async handle({ principal, params, services }) {
      const view = await services.module(engineModule).status(principalUserId(principal), params.requestId);
      return { headers: { "cache-control": "no-store" }, json: { ok: true, ...view } };
    },
  }),
};
