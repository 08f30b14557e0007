import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import { balanceRoute } from "../credits/balance.ts";

/** The Pluct Android app's legacy balance call: a POST with the user token, answered like GET /v1/credits/balance. */
export const handler: Handlers = {
  POST: define.post({
    ...balanceRoute,
    summary: "The caller's credits (legacy POST form of GET /v1/credits/balance)",
  }),
};
