import { z } from "zod";
import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import { AnyUpdateBody, SessionIdParams } from "../../../lib/conversation/http_schemas.ts";
import { MAX_BATCH } from "../../../lib/conversation/sessions.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: `Post up to ${MAX_BATCH} display updates, applied atomically in order`,
    tags: ["conversation"],
    params: SessionIdParams,
    idempotent: true,
    body: z.object({ updates: z.array(AnyUpdateBody).min(1).max(MAX_BATCH) }),
    bodyLimit: 360_000,
    async handle({ params, body, request, services }) {
      const updates = await services.conversation!.display.write(
        params.id,
        bearerToken(request),
        body.updates,
      );
      return { status: 201, json: { seq: updates.at(-1)!.seq, updates } };
    },
  }),
};
