import { define } from "../../../lib/http/route.ts";
import { BalanceSchema, engineModule, principalUserId } from "../../../lib/engine/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

/** Shared with the Pluct app's legacy `POST /v1/user/balance`. */
export const balanceRoute = {
  summary: "The caller's credits: balance, held and available",
  tags: ["engine"],
  auth: "user",
  responses: {
    200: { description: "The caller's account (and `ok: true`).", schema: BalanceSchema },
  },
  async handle({ principal, services }: Parameters<Parameters<typeof define.get>[0]["handle"]>[0]) {
    return {
      headers: { "cache-control": "no-store" },
      json: { ok: true, ...await services.module(engineModule).balance(principalUserId(principal)) },
    };
  },
};

export const handler: Handlers = { GET: define.get(balanceRoute) };
