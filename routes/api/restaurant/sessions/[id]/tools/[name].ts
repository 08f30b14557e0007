import { define } from "../../../../../../lib/http/route.ts";
import { conversationModule, ToolBody, ToolParams } from "../../../../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Execute a voice tool against the session's cart; returns the result for the voice model",
    description:
      "Refusals (empty cart, unknown dish, …) are 200 with `ok: false` and a reason the model can say.",
    tags: ["conversation"],
    auth: "display-service",
    params: ToolParams,
    body: ToolBody,
    idempotent: true,
    async handle({ params, body, services }) {
      return {
        json: await services.module(conversationModule).restaurant.runTool(params.id, params.name, body.args),
      };
    },
  }),
};
