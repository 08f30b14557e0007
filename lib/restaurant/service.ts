/**
 * The restaurant assistant: sessions (a conversation session plus a cart record), menus and tool
 * execution. A tool is all or nothing: its display updates are validated like any producer's, then
 * the cart record (version-checked) and the updates commit in one atomic, so a failing call leaves
 * both the cart and the screen as they were.
 */
import type { Transaction } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import type { ConversationService } from "../conversation/service.ts";
import { MAX_UPDATE_BYTES, parseUpdate } from "../conversation/updates.ts";
import { KilnError } from "../errors.ts";
import { validate } from "../http/body.ts";
import { randomId } from "../ids.ts";
import { restaurantKeys } from "./keys.ts";
import { getMenu, type Menu, MenuSchema, putMenu } from "./menu.ts";
import type { RestaurantSession } from "./session.ts";
import { runTool, toolArgs, type ToolName } from "./tools.ts";

export type RestaurantService = ReturnType<typeof createRestaurantService>;

export function createRestaurantService(
  options: { kv: KvStore; conversation: ConversationService; ttlMs: number },
) {
  const { kv, conversation, ttlMs } = options;

  /** The cart; read through `tx` when a change to it will be committed (then it is version-checked). */
  async function load(sessionId: string, tx?: Transaction): Promise<Deno.KvEntry<RestaurantSession>> {
    const [entry, display] = await Promise.all([
      (tx ?? kv).get<RestaurantSession>(restaurantKeys.session(sessionId)),
      conversation.store.get(sessionId),
    ]);
    if (!entry.value || !display.value) {
      throw new KilnError("not_found", "session_not_found", "No such restaurant session.");
    }
    return entry as Deno.KvEntry<RestaurantSession>;
  }

  return {
    putMenu: (tenantId: string, menu: Menu) => putMenu(kv, tenantId, MenuSchema.parse(menu)),
    getMenu: (tenantId: string) => getMenu(kv, tenantId),

    /** The caller is already authorised (display-service auth, or the demo). */
    async createSession(input: { tenantId: string; userId?: string; language: string }) {
      await getMenu(kv, input.tenantId); // a session for a tenant without a menu could not order anything
      const init = await conversation.initTrusted({ tenantId: input.tenantId, category: "restaurant" });
      const session: RestaurantSession = {
        sessionId: init.body.sessionId,
        tenantId: input.tenantId,
        userId: input.userId,
        language: input.language,
        cart: [],
        orderIdSeed: randomId(5), // 40 bits: a short order number a customer can read out
        createdAt: Date.now(),
      };
      await kv.set(restaurantKeys.session(session.sessionId), session, { expireIn: ttlMs * 2 });
      return {
        sessionId: session.sessionId,
        displayUrl: init.body.displayUrl,
        websocketUrl: init.body.websocketUrl,
        writeToken: init.body.writeToken,
        expiresAt: init.body.expiresAt,
      };
    },

    async getSession(sessionId: string) {
      const { value } = await load(sessionId);
      const menu = await getMenu(kv, value.tenantId);
      return { ...value, totals: runTool("get_cart_items", {}, value, menu).result.cart };
    },

    /**
     * Stonepot's `POST /api/restaurant/sessions/:id/display`: one display update for a session's
     * screen (a session its voice backend initialised counts, cart or not).
     */
    async display(sessionId: string, update: unknown) {
      const session = await conversation.store.require(sessionId);
      const [stored] = await conversation.writeTrusted(session.value, [update]);
      return stored;
    },

    async deleteSession(sessionId: string) {
      await load(sessionId);
      await conversation.store.remove(sessionId);
    },

    async runTool(sessionId: string, name: string, args: unknown) {
      if (!Object.hasOwn(toolArgs, name)) {
        throw new KilnError("not_found", "unknown_tool", `No tool named ${JSON.stringify(name)}.`, {
          details: { tools: Object.keys(toolArgs) },
        });
      }
      const tool = name as ToolName;
      const toolInput = validate(toolArgs[tool] as z.ZodType, args ?? {}, "args", {
        code: "invalid_tool_args",
      });
      // The cart and the display updates commit in one transaction on the session's hot key.
      return await conversation.store.write(sessionId, "restaurant.tool", async (tx) => {
        const entry = await load(sessionId, tx);
        const menu = await getMenu(kv, entry.value.tenantId);
        const outcome = runTool(tool, toolInput, entry.value, menu);
        // All or nothing: the display updates are validated first (same schema as any producer's).
        const updates = outcome.updates.map((update) => parseUpdate(fitCard(update), "tool"));
        await conversation.store.stageAppend(tx, sessionId, updates);
        if (outcome.session) {
          tx.op.set(restaurantKeys.session(sessionId), outcome.session, { expireIn: ttlMs * 2 });
        }
        return { tool, ...outcome.result };
      });
    },
  };
}

/**
 * A cart card too big for one display update (many lines with long notes) is shown with its totals
 * only, so no tool call — finalizing included — can fail for the size of what it displays.
 */
function fitCard(update: { type: string; data: Record<string, unknown> }) {
  if (!Array.isArray(update.data.items)) return update;
  const size = new TextEncoder().encode(JSON.stringify(update)).length;
  return size <= MAX_UPDATE_BYTES ? update : { ...update, data: { ...update.data, items: [] } };
}
