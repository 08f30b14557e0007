/**
 * The conversation display module (Stonepot's display and restaurant assistant): its one public
 * entry. It spans three folders with one boundary: lib/conversation (sessions, updates, the
 * display), lib/restaurant (menus, carts, the assistant's tools on a session) and lib/themes (a
 * tenant's look); nothing outside them imports their files except through this one (or client.ts
 * for browser code). main.ts registers `conversationModule` (modules.ts); routes fetch its API with
 * `services.module(conversationModule)`.
 */
import { defineModule } from "../services.ts";
import { setupConversation } from "./setup.ts";
import { conversationVariables } from "./config.ts";

export const conversationModule = defineModule({
  name: "conversation",
  variables: conversationVariables,
  setup: setupConversation,
});

export type { ConversationApi } from "./setup.ts";
export { listSessions } from "./admin.ts";
export {
  AnyUpdateBody,
  Category,
  Currency,
  hintsOf,
  SessionIdParams,
  StateQuery,
  TenantId,
  TokenQuery,
} from "./http_schemas.ts";
export { formatMoney } from "./money.ts";
export { MAX_BATCH } from "./group_commit.ts";
export type { SessionState } from "./sessions.ts";
export { stonepotFrame, stonepotState } from "./stonepot.ts";
export { updateDocs } from "./update_docs.ts";
export {
  CreateSessionBody,
  SessionParams,
  TenantIdParams,
  ToolBody,
  ToolParams,
} from "../restaurant/http_schemas.ts";
export { type Menu, type MenuItem, MenuSchema } from "../restaurant/menu.ts";
export type { RestaurantService } from "../restaurant/service.ts";
export { toolCatalog } from "../restaurant/tools.ts";
export { TenantParams } from "../themes/http_schemas.ts";
export { defaultThemes, type Theme, themeCss, ThemeSchema } from "../themes/schema.ts";
