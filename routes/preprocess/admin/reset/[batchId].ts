import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import { BatchId, preprocessModule } from "../../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Force-stop a batch and mark it ERROR (admin)",
    tags: ["preprocess"],
    auth: "admin",
    params: z.object({ batchId: BatchId }),
    responses: {
      200: { description: "The batch's status after the reset (`ERROR`)." },
      404: { description: "No such batch (`batch_not_found`)." },
    },
    async handle({ params, services }) {
      return { json: await services.module(preprocessModule).reset(params.batchId) };
    },
  }),
};
