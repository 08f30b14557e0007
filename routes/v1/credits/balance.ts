import { define } from "../../../lib/http/route.ts";
import { principalUserId } from "../../../lib/engine/auth.ts";
import { BalanceSchema } from "../../../lib/engine/schemas.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "The caller's credits: balance, held and available",
    tags: ["engine"],
    auth: "user",
    responses: {
      200: { description: "The caller's account.", schema: BalanceSchema },
    },
    async handle({ principal, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: await services.engine!.balance(principalUserId(principal)),
      };
    },
  }),
};
