import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import { BalanceSchema, engineAdminAuth, engineModule } from "../../../../lib/engine/mod.ts";
import { PageQuery } from "../../../../lib/store/page.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Every credit account with its balance, held and available credits (admin)",
    description: "In user-id order, paged with `limit` and `cursor` (`nextCursor` is null on the last page).",
    tags: ["engine"],
    auth: engineAdminAuth,
    query: PageQuery,
    responses: {
      200: {
        description: "One page of accounts.",
        schema: z.object({ items: z.array(BalanceSchema), nextCursor: z.string().nullable() }),
      },
      401: { description: "No ENGINE_ADMIN_KEY or Kiln admin credentials." },
      422: { description: "Invalid `limit` or `cursor` (`invalid_cursor`)." },
    },
    async handle({ query, services }) {
      const page = await services.module(engineModule).accounts(query);
      return {
        headers: { "cache-control": "no-store" },
        json: { items: page.items, nextCursor: page.cursor ?? null },
      };
    },
  }),
};
