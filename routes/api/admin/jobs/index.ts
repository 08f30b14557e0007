import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import { publicJobView } from "../../../../lib/jobs/view.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Jobs in one status, default the dead letters (failed jobs, newest first) (admin)",
    description: "`status=queued|running` lists by due time / lease, `failed` newest first, " +
      "`succeeded|cancelled` by finish time (found by scanning at most 5,000 job records). " +
      "Each job carries its input (admin only).",
    tags: ["jobs"],
    auth: "admin",
    query: z.object({
      status: z.enum(["queued", "running", "failed", "succeeded", "cancelled"]).default("failed"),
      kind: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: {
      200: {
        description:
          "`{jobs: [{id, kind, status, progress, step, attempts, maxAttempts, error, …, input}]}`.",
      },
    },
    async handle({ query, services }) {
      const jobs = await services.jobs.list(query);
      return { json: { jobs: jobs.map((job) => ({ ...publicJobView(job), input: job.input })) } };
    },
  }),
};
