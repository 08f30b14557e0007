import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import { engineAdminAuth, engineModule, HoldSchema } from "../../../lib/engine/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Credits held right now by metered transcriptions, oldest first (admin)",
    description: "Holds older than ENGINE_HOLD_TTL_MINUTES are released by the sweep.",
    tags: ["engine"],
    auth: engineAdminAuth,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    responses: {
      200: { description: "Active holds.", schema: z.object({ items: z.array(HoldSchema) }) },
      401: { description: "No ENGINE_ADMIN_KEY or Kiln admin credentials." },
    },
    async handle({ query, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: { items: await services.module(engineModule).holds({ limit: query.limit }) },
      };
    },
  }),
};
