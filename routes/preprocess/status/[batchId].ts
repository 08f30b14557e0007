import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import { BatchId, preprocessModule, readerAuth } from "../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A batch's status (the seed's shape); `?detail=1` adds every task",
    tags: ["preprocess"],
    auth: readerAuth,
    params: z.object({ batchId: BatchId }),
    query: z.object({
      detail: z.enum(["0", "1", "true", "false"]).optional(),
      token: z.string().max(100).optional(),
    }),
    responses: {
      200: {
        description:
          "`{batch_id, status, progress: {tasks_total, tasks_completed, tasks_failed}, started_at, " +
          "updated_at, completed_at, error}` (+ `tasks` with `?detail=1`).",
      },
      401: { description: "No admin/service credentials and no valid view token." },
      404: { description: "No such batch (`batch_not_found`)." },
    },
    async handle({ params, query, principal, services }) {
      const preprocess = services.module(preprocessModule);
      await preprocess.authorizeRead(params.batchId, principal, query.token);
      const detail = query.detail === "1" || query.detail === "true";
      return { json: await preprocess.status(params.batchId, detail) };
    },
  }),
};
