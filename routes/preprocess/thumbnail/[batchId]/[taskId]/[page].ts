import { z } from "zod";
import { KilnError } from "../../../../../lib/errors.ts";
import { define } from "../../../../../lib/http/route.ts";
import { BatchId, preprocessModule, readerAuth } from "../../../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A converted page's JPEG (for the batch page's thumbnails)",
    tags: ["preprocess"],
    auth: readerAuth,
    params: z.object({
      batchId: BatchId,
      taskId: z.string().min(1).max(200),
      page: z.coerce.number().int().min(1),
    }),
    query: z.object({ token: z.string().max(100).optional() }),
    responses: {
      200: { description: "The JPEG (`image/jpeg`)." },
      401: { description: "No admin/service credentials and no valid view token." },
      404: { description: "No converted page there yet (`page_not_found`)." },
    },
    async handle({ params, query, principal, services }) {
      const preprocess = services.module(preprocessModule);
      await preprocess.authorizeRead(params.batchId, principal, query.token);
      const { tasks } = await preprocess.status(params.batchId, true);
      const output = tasks?.find((task) => task.task_id === params.taskId)?.outputs.find((o) =>
        o.page === params.page
      );
      const blob = output ? await services.blobs.get(output.key) : null;
      if (!blob) throw new KilnError("not_found", "page_not_found", "No converted page there (yet).");
      return new Response(blob.body, {
        headers: { "content-type": "image/jpeg", "cache-control": "private, max-age=3600" },
      });
    },
  }),
};
