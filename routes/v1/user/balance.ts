import { define } from "../../../lib/http/route.ts";
import { principalUserId } from "../../../lib/engine/auth.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

/** The Pluct Android app's legacy balance call: a POST with the user token, answered like GET /v1/credits/balance. */
export const handler: Handlers = {
  POST: define.post({
    summary: "The caller's credits (legacy POST form of GET /v1/credits/balance)",
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
