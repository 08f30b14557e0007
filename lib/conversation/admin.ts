/** The admin console's view of conversation sessions: every live session with its display link. */
import type { KvStore } from "../store/types.ts";
import { listPage } from "../store/page.ts";
import { conversationKeys } from "./keys.ts";
import type { ConversationService } from "./service.ts";
import type { SessionRecord } from "./sessions.ts";

export async function listSessions(
  kv: KvStore,
  display: ConversationService,
  options: { limit: number; cursor?: string },
  now = Date.now(),
) {
  const page = await listPage<SessionRecord>(
    kv,
    { prefix: conversationKeys.session("").slice(0, -1) },
    options,
  );
  const items = await Promise.all(
    page.items.filter((session) => session.expiresAt > now).map(async (session) => ({
      sessionId: session.id,
      tenantId: session.tenantId,
      category: session.category,
      seq: session.seq,
      createdAt: new Date(session.createdAt).toISOString(),
      updatedAt: new Date(session.updatedAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      displayUrl: await display.displayUrl(session),
    })),
  );
  return { items, nextCursor: page.cursor ?? null };
}
