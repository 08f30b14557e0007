import { define } from "../../../lib/http/route.ts";
import { principalUserId } from "../../../lib/engine/auth.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "The caller's credits: balance, held and available",
    tags: ["engine"],
    auth: "user",
    async handle({ principal, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: { ok: true, ...await services.engine!.balance(principalUserId(principal)) },
      };
    },
  }),
};
