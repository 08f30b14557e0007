import { define } from "../../../../lib/http/route.ts";
import { conversationModule, SessionParams } from "../../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A restaurant session: cart with totals, customer, fulfilment, order",
    tags: ["conversation"],
    auth: "display-service",
    params: SessionParams,
    async handle({ params, services }) {
      return { json: await services.module(conversationModule).restaurant.getSession(params.id) };
    },
  }),
  DELETE: define.delete({
    summary: "End a restaurant session and remove its display state",
    tags: ["conversation"],
    auth: "display-service",
    params: SessionParams,
    async handle({ params, services }) {
      await services.module(conversationModule).restaurant.deleteSession(params.id);
      return new Response(null, { status: 204 });
    },
  }),
};
