/**
 * Wires the conversation display module into Kiln: secrets, the session store, themes, the
 * restaurant assistant, auth kinds ("display-service", "theme-admin"), the demo job, the expiry
 * sweep on the scheduler, and a health check.
 */
import { variablesOf } from "../config.ts";
import { staticTokenResolver } from "../http/auth.ts";
import { openRouterVariables } from "../providers/llm/config.ts";
import { conversationVariables } from "./config.ts";
import { createOpenRouterModel } from "../providers/llm/openrouter.ts";
import { createRestaurantService, type RestaurantService } from "../restaurant/service.ts";
import { restaurantKeys } from "../restaurant/keys.ts";
import { findMenu } from "../restaurant/menu.ts";
import type { Services } from "../services.ts";
import {
  createLlmThemeGenerator,
  createLocalThemeGenerator,
  generateTheme,
  type ThemeGenerator,
} from "../themes/generator.ts";
import type { Theme } from "../themes/schema.ts";
import { createThemeStore, type ThemeStore } from "../themes/store.ts";
import { defineDemoDisplayJob } from "./demo.ts";
import { type DemoStarted, startDemoConversation } from "./demo_start.ts";
import { type ConversationService, createConversationService } from "./service.ts";
import { createSessionStore } from "./sessions.ts";
import { createSigner } from "./tokens.ts";
import { updateSchemaComponents } from "./update_docs.ts";

export interface ConversationApi {
  display: ConversationService;
  themes: ThemeStore;
  themeGenerator: ThemeGenerator;
  /** A theme for the tenant from a prompt; it keeps the venue's name (`name`, the stored theme's, or the tenant id's). */
  generateTheme(
    tenant: string,
    prompt: string,
    options?: { mode?: "light" | "dark"; name?: string },
  ): Promise<Theme>;
  restaurant: RestaurantService;
  /** Starts the demo: the demo tenant's menu, a fresh restaurant session and the job playing the script. */
  startDemo(stepMs: number): Promise<DemoStarted>;
}

/** "pizza-palace" → "Pizza Palace": a tenant id read as a venue name. */
function venueNameOf(tenant: string): string {
  return tenant.split(/[-_]+/).filter(Boolean).map((word) => word[0].toUpperCase() + word.slice(1)).join(
    " ",
  ) ||
    "Venue";
}

export async function setupConversation(services: Services): Promise<ConversationApi> {
  const { config, kv, live, log, secrets } = services;
  const values = variablesOf(config, { ...conversationVariables, ...openRouterVariables });
  const serviceToken = await secrets.ensure("DISPLAY_SERVICE_TOKEN", values.DISPLAY_SERVICE_TOKEN);
  const signingKey = await secrets.ensure("SIGNING_KEY", values.SIGNING_KEY);
  const themeToken = await secrets.ensure("THEME_API_TOKEN", values.THEME_API_TOKEN);
  const ttlMs = Math.round(values.CONVERSATION_SESSION_TTL_HOURS * 3_600_000);
  const signer = createSigner(signingKey);
  const store = createSessionStore({ kv, live, ttlMs, extraKeys: [restaurantKeys.session] });
  const themes = createThemeStore({ kv, signer, log });
  const display = createConversationService({
    store,
    signer,
    serviceToken,
    publicUrl: config.publicUrl,
    defaultTenant: values.DISPLAY_DEFAULT_TENANT,
    // A tenant's currency: its menu's, else its theme's (a tenant may have neither).
    tenantCurrency: async (tenantId) =>
      (await findMenu(kv, tenantId))?.currency ?? (await themes.find(tenantId))?.currency,
  });
  const restaurant = createRestaurantService({ kv, conversation: display, ttlMs });
  const local = createLocalThemeGenerator();
  // OPENROUTER_* are declared by doc-to-video's variable table; the LLM adapter is shared.
  const themeGenerator = values.OPENROUTER_API_KEY
    ? createLlmThemeGenerator(
      createOpenRouterModel({ apiKey: values.OPENROUTER_API_KEY, baseUrl: values.OPENROUTER_BASE_URL }),
      values.THEME_LLM_MODEL,
      local,
    )
    : local;

  services.auth["display-service"] = staticTokenResolver("display-service", serviceToken);
  Object.assign(services.openApiSchemas, updateSchemaComponents());
  services.auth["theme-admin"] = staticTokenResolver("theme-admin", themeToken);
  Object.assign(services.securitySchemes, {
    "display-service": {
      type: "http",
      scheme: "bearer",
      description: "DISPLAY_SERVICE_TOKEN of the voice backend",
      "x-kiln-secret": "DISPLAY_SERVICE_TOKEN",
    },
    "theme-admin": {
      type: "http",
      scheme: "bearer",
      description: "THEME_API_TOKEN",
      "x-kiln-secret": "THEME_API_TOKEN",
    },
  });
  defineDemoDisplayJob(services.jobs, { conversation: display, restaurant });
  services.scheduler.every("conversation.expire_sessions", Math.min(60_000, ttlMs), async () => {
    const removed = await store.expire();
    if (removed > 0) log.info("conversation.sessions_expired", { removed });
  });
  services.health.register(
    "conversation",
    () =>
      Promise.resolve({
        state: "ok",
        themeGenerator: themeGenerator.name,
        sessionTtlHours: values.CONVERSATION_SESSION_TTL_HOURS,
      }),
  );

  const module: ConversationApi = {
    display,
    themes,
    themeGenerator,
    generateTheme: async (tenant, prompt, options = {}) => {
      const name = options.name ?? (await themes.find(tenant))?.name ?? venueNameOf(tenant);
      return generateTheme(themeGenerator, prompt, name, options.mode);
    },
    restaurant,
    startDemo: (stepMs) => startDemoConversation({ restaurant, jobs: services.jobs }, stepMs),
  };
  return module;
}
