import { z } from "zod";
import { define } from "../../../../../lib/http/route.ts";
import { publicJobView } from "../../../../../lib/jobs/view.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Retry a failed job with a fresh attempt budget (admin)",
    tags: ["jobs"],
    auth: "admin",
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: { 202: { description: "Re-queued." }, 409: { description: "The job is not failed." } },
    async handle({ params, services }) {
      const job = await services.jobs.retry(params.id);
      return { status: 202, json: publicJobView(job) };
    },
  }),
};
