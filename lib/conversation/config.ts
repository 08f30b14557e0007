/** The conversation display module's variables (SPEC §1 names), spread into fresh.config.ts. */
import { z } from "zod";
import { secret } from "../config_schemas.ts";

export const conversationVariables = {
  DISPLAY_SERVICE_TOKEN: {
    schema: secret(),
    doc: "Bearer token of voice backends writing display updates (≥ 32 chars); generated when unset.",
  },
  SIGNING_KEY: {
    schema: secret(),
    doc: "HMAC key signing stored themes and display links (≥ 32 chars); generated when unset.",
  },
  THEME_API_TOKEN: {
    schema: secret(),
    doc: "Admin bearer token for theme and menu writes (≥ 32 chars); generated when unset.",
  },
  CONVERSATION_SESSION_TTL_HOURS: {
    schema: z.coerce.number().min(0.01).max(24 * 30),
    default: "24",
    doc: "Conversation sessions (and their carts) are removed after this many hours without updates.",
  },
  DISPLAY_DEFAULT_TENANT: {
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (≤ 64)"),
    default: "default",
    doc: "Tenant of a display session created implicitly by a service-token update or state call " +
      "that names no tenantId (Stonepot never initialises explicitly when init failed).",
  },
  THEME_LLM_MODEL: {
    schema: z.string().min(1),
    default: "openai/gpt-4o-mini",
    doc: "OpenRouter model asked to generate themes when OPENROUTER_API_KEY is set.",
  },
} as const;
