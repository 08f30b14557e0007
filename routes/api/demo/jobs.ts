import { z } from "zod";
import { DemoJobInput, demoJobKind } from "../../../lib/demo/countdown.ts";
import { define } from "../../../lib/http/route.ts";
import { publicJobView } from "../../../lib/jobs/view.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Start a sample job (home page demo)",
    tags: ["jobs"],
    body: z.object({ steps: DemoJobInput.shape.steps.default(5) }),
    rateLimit: {
      rule: { name: "demo_jobs", algorithm: "fixed_window", limit: 10, windowMs: 60_000 },
      by: "ip",
    },
    responses: { 202: { description: "Job accepted; follow it at events_url." } },
    async handle({ body, services, clientIp }) {
      const job = await services.jobs.enqueue(demoJobKind, { steps: body.steps, stepMs: 400 }, {
        concurrency: { key: `demo:${clientIp}`, limit: 2, mode: "reject" },
      });
      return {
        status: 202,
        json: {
          job: publicJobView(job),
          status_url: `/api/jobs/${job.id}`,
          events_url: `/api/jobs/${job.id}/events`,
        },
      };
    },
  }),
};
