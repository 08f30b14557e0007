import { z } from "zod";
import { define } from "../../../lib/http/route.ts";
import {
  conversationModule,
  defaultThemes,
  TenantParams,
  ThemeSchema,
} from "../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A tenant's theme (or the category default when none is stored)",
    tags: ["conversation"],
    params: TenantParams,
    query: z.object({ category: z.enum(["restaurant", "financial"]).default("restaurant") }),
    async handle({ params, query, services }) {
      const theme = await services.module(conversationModule).themes.find(params.tenant);
      return {
        json: {
          tenant: params.tenant,
          custom: theme !== null,
          theme: theme ?? defaultThemes[query.category],
        },
      };
    },
  }),
  PUT: define.put({
    summary: "Store a tenant's theme (signed with SIGNING_KEY)",
    tags: ["conversation"],
    auth: "theme-admin",
    params: TenantParams,
    body: ThemeSchema,
    async handle({ params, body, services }) {
      return {
        json: {
          tenant: params.tenant,
          theme: await services.module(conversationModule).themes.put(params.tenant, body),
        },
      };
    },
  }),
};
