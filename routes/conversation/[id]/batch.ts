import { z } from "zod";
import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  AnyUpdateBody,
  Category,
  conversationModule,
  MAX_BATCH,
  SessionIdParams,
  TenantId,
  updateDocs,
} from "../../../lib/conversation/mod.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: `Post up to ${MAX_BATCH} display updates, applied atomically in order`,
    description: "Same tokens as a single update; a bad update rejects the whole batch (422 naming " +
      "`updates.<n>`). `tenantId`/`category` apply when the call creates the session.",
    tags: ["conversation"],
    params: SessionIdParams,
    idempotent: true,
    body: z.object({
      updates: z.array(AnyUpdateBody).min(1).max(MAX_BATCH),
      tenantId: TenantId.optional(),
      category: Category.optional(),
    }),
    bodyLimit: 360_000,
    openapi: { body: updateDocs.batchInput, errors: updateDocs.writeErrors },
    responses: {
      201: { description: "All stored and broadcast, in order", schema: updateDocs.batchWritten },
    },
    async handle({ params, body, request, services }) {
      const updates = await services.module(conversationModule).display.write(
        params.id,
        bearerToken(request),
        body.updates,
        { tenantId: body.tenantId, category: body.category },
      );
      return { status: 201, json: { success: true, seq: updates.at(-1)!.seq, updates } };
    },
  }),
};
