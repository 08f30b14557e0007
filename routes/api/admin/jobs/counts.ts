import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

const JobCounts = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  failed: z.number().int().describe("Dead letters kept for retry (7 days)."),
  kinds: z.array(z.string()).describe("Job kinds defined on this instance."),
});

export const handler: Handlers = {
  GET: define.get({
    summary: "Job counts by state and the defined job kinds (admin)",
    tags: ["jobs"],
    auth: "admin",
    responses: {
      200: { description: "Counts across the whole backend.", schema: JobCounts },
      401: { description: "No admin token or session." },
    },
    async handle({ services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: { ...(await services.jobs.counts()), kinds: services.jobs.kinds() },
      };
    },
  }),
};
