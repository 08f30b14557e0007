import { z } from "zod";
import { define } from "../../../../../lib/http/route.ts";
import {
  BalanceSchema,
  engineAdminAuth,
  engineModule,
  HoldSchema,
  LedgerEntrySchema,
  TransactionsQuery,
  UserIdParam,
} from "../../../../../lib/engine/mod.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "One user's balance, active holds and ledger entries, newest first (admin)",
    description: "A user with no account yet answers zeros. Entries are paged with `limit` and `cursor`.",
    tags: ["engine"],
    auth: engineAdminAuth,
    params: UserIdParam,
    query: TransactionsQuery,
    responses: {
      200: {
        description: "The account.",
        schema: z.object({
          balance: BalanceSchema,
          holds: z.array(HoldSchema),
          transactions: z.object({ items: z.array(LedgerEntrySchema), nextCursor: z.string().nullable() }),
        }),
      },
      401: { description: "No ENGINE_ADMIN_KEY or Kiln admin credentials." },
      422: { description: "A malformed user id, `limit` or `cursor`." },
    },
    async handle({ params, query, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: await services.module(engineModule).userDetail(params.id, query),
      };
    },
  }),
};
