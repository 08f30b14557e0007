import { define } from "../../../lib/http/route.ts";
import { preprocessModule, writerAuth } from "../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Lease the next pending task to an external worker (204 when none is waiting)",
    description: "Returns the seed's worker contract (TASK_ID, BATCH_ID, INPUT_R2_KEY, CALLBACK_URL, …).",
    tags: ["preprocess"],
    auth: writerAuth,
    responses: {
      200: {
        description:
          "`{TASK_ID, BATCH_ID, INPUT_R2_KEY, OUTPUT_R2_KEY, CALLBACK_URL, LEASE_ID, LEASE_EXPIRES_AT, ATTEMPT}`.",
      },
      204: { description: "No task is waiting." },
    },
    async handle({ services }) {
      const contract = await services.module(preprocessModule).leaseNextTask();
      return contract ? { json: contract } : new Response(null, { status: 204 });
    },
  }),
};
