import { define } from "../../../lib/http/route.ts";
import {
  engineModule,
  LedgerEntrySchema,
  principalUserId,
  TransactionsQuery,
} from "../../../lib/engine/mod.ts";
import { z } from "zod";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "The caller's ledger entries, newest first (paged with `cursor`)",
    tags: ["engine"],
    auth: "user",
    query: TransactionsQuery,
    responses: {
      200: {
        description: "One page of entries; pass `nextCursor` as `cursor` for the next (null on the last).",
        schema: z.object({ items: z.array(LedgerEntrySchema), nextCursor: z.string().nullable() }),
      },
      422: { description: "A cursor that is not one of ours (`invalid_cursor`)." },
    },
    async handle({ principal, query, services }) {
      const page = await services.module(engineModule).transactions(principalUserId(principal), query);
      return {
        headers: { "cache-control": "no-store" },
        json: { ok: true, items: page.items, nextCursor: page.cursor ?? null },
      };
    },
  }),
};
