import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import { publicJobView } from "../../../../lib/jobs/view.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Dead letters: failed jobs, newest first (admin)",
    tags: ["jobs"],
    auth: "admin",
    query: z.object({
      kind: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    async handle({ query, services }) {
      const jobs = await services.jobs.listFailed({ kind: query.kind, limit: query.limit });
      return { json: { jobs: jobs.map((job) => ({ ...publicJobView(job), input: job.input })) } };
    },
  }),
};
