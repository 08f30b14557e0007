import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import { accessibleJob } from "../../../lib/jobs/access.ts";
import { publicJobView } from "../../../lib/jobs/view.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

const Params = z.object({ id: z.string().min(1).max(64) });

export const handler: Handlers = {
  GET: define.get({
    summary: "A job's status and progress",
    tags: ["jobs"],
    auth: ["admin", "optional"],
    params: Params,
    responses: {
      200: { description: "`{id, kind, status, progress, step, attempts, error, createdAt, updatedAt, …}`." },
      404: { description: "No such job, or an owned job that is not the caller's (`job_not_found`)." },
    },
    async handle({ params, services, principal }) {
      const job = await accessibleJob(services.jobs, params.id, principal);
      return {
        json: principal?.kind === "admin"
          ? { ...publicJobView(job), input: job.input, result: job.result }
          : publicJobView(job),
      };
    },
  }),
  DELETE: define.delete({
    summary: "Cancel a queued or running job",
    tags: ["jobs"],
    auth: ["admin", "optional"],
    params: Params,
    responses: {
      200: { description: "The job after cancelling (a finished job is returned unchanged)." },
      404: { description: "No such job, or not the caller's (`job_not_found`)." },
    },
    async handle({ params, services, principal }) {
      await accessibleJob(services.jobs, params.id, principal);
      const job = await services.jobs.cancel(params.id, "cancelled by request");
      return { json: publicJobView(job!) };
    },
  }),
};
