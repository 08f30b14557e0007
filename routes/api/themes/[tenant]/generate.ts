import { z } from "zod";
import { define } from "../../../../lib/http/route.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";
import { conversationModule, TenantParams } from "../../../../lib/conversation/mod.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Generate a theme from a prompt (LLM when configured, deterministic palette otherwise)",
    description: "Admin (THEME_API_TOKEN). Offline, the prompt's colour and mood words choose the palette " +
      '("terracotta trattoria" → warm earthy tones). The theme keeps the venue\'s name: `name`, else the ' +
      "tenant's stored theme's, else the tenant id's. With `save: true` it is stored for the tenant.",
    tags: ["conversation"],
    auth: "theme-admin",
    params: TenantParams,
    body: z.object({
      prompt: z.string().trim().min(1).max(500),
      mode: z.enum(["light", "dark"]).optional(),
      save: z.boolean().default(false),
      name: z.string().trim().min(1).max(80).optional().describe("The venue's name shown on the display."),
    }),
    rateLimit: {
      rule: { name: "theme_generate", algorithm: "fixed_window", limit: 20, windowMs: 60_000 },
      by: "principal",
    },
    async handle({ params, body, services }) {
      const module = services.module(conversationModule);
      const theme = await module.generateTheme(params.tenant, body.prompt, {
        mode: body.mode,
        name: body.name,
      });
      if (body.save) await module.themes.put(params.tenant, theme);
      return {
        json: { tenant: params.tenant, generator: module.themeGenerator.name, saved: body.save, theme },
      };
    },
  }),
};
