import { define } from "../../lib/http/route.ts";
import { conversationModule } from "../../lib/conversation/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Play a scripted restaurant conversation into a new session (demo)",
    tags: ["conversation"],
    rateLimit: {
      rule: { name: "conversation_demo", algorithm: "fixed_window", limit: 5, windowMs: 60_000 },
      by: "ip",
    },
    responses: { 202: { description: "Demo started; open displayPath." } },
    async handle({ services }) {
      return { status: 202, json: await services.module(conversationModule).startDemo(1_200) };
    },
  }),
};
