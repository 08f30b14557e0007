import { define } from "../../../../../lib/http/route.ts";
import { conversationModule, MenuSchema, TenantIdParams } from "../../../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "A tenant's menu (prices in minor units)",
    tags: ["conversation"],
    params: TenantIdParams,
    async handle({ params, services }) {
      return {
        json: {
          tenantId: params.tenantId,
          menu: await services.module(conversationModule).restaurant.getMenu(params.tenantId),
        },
      };
    },
  }),
  PUT: define.put({
    summary: "Replace a tenant's menu",
    description: "THEME_API_TOKEN (tenant admin) or DISPLAY_SERVICE_TOKEN.",
    tags: ["conversation"],
    auth: ["theme-admin", "display-service"],
    params: TenantIdParams,
    body: MenuSchema,
    bodyLimit: 128_000,
    async handle({ params, body, services }) {
      return {
        json: {
          tenantId: params.tenantId,
          menu: await services.module(conversationModule).restaurant.putMenu(params.tenantId, body),
        },
      };
    },
  }),
};
