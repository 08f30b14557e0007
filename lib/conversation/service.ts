/**
 * The conversation display service routes call: sessions plus the authorisation rules.
 * - writes: the service token (DISPLAY_SERVICE_TOKEN) or the session's own write token;
 * - reads (state, stream, page): the session's display token, the write token or the service token.
 * A missing or wrong token is a 401 whether or not the session exists, so ids cannot be probed.
 * Like Stonepot's display worker, an update, batch or state call with the service token for a
 * session nobody initialised creates it (Stonepot treats init as best-effort); a session's own
 * tokens can never create one.
 */
import { KilnError } from "../errors.ts";
import { secretsEqual } from "../http/auth.ts";
import { conversationTopic } from "./keys.ts";
import { defaultCurrency } from "./money.ts";
import type { Category, SessionRecord, SessionStore } from "./sessions.ts";
import { displayToken, hashToken, isDisplayToken, type Signer } from "./tokens.ts";
import { type DisplayUpdate, parseUpdate } from "./updates.ts";

export interface ConversationServiceOptions {
  store: SessionStore;
  signer: Signer;
  serviceToken: string;
  publicUrl: string;
  /** Tenant of sessions created implicitly when the caller names none (DISPLAY_DEFAULT_TENANT). */
  defaultTenant: string;
  /** The tenant's own currency (its menu's, else its theme's), if it has one. */
  tenantCurrency?: (tenantId: string) => Promise<string | undefined>;
}

/** What an implicit init uses: the tenant and category a producer sent alongside its update. */
export interface SessionHints {
  tenantId?: string;
  category?: Category;
}

export type ConversationService = ReturnType<typeof createConversationService>;

function denied(): KilnError {
  return new KilnError("unauthorized", "invalid_session_token", "Missing or invalid session token.", {
    headers: { "www-authenticate": 'Bearer realm="conversation"' },
  });
}

export function createConversationService(options: ConversationServiceOptions) {
  const { store, signer, serviceToken, publicUrl, defaultTenant } = options;

  const isService = (token?: string) => token ? secretsEqual(token, serviceToken) : Promise.resolve(false);

  async function isWriter(session: SessionRecord, token?: string): Promise<boolean> {
    if (!token) return false;
    if (await isService(token)) return true;
    return secretsEqual(await hashToken(token), session.writeTokenHash);
  }

  async function displayUrl(session: SessionRecord): Promise<string> {
    const query = new URLSearchParams({
      session: session.id,
      tenant: session.tenantId,
      category: session.category,
      token: await displayToken(signer, session.id),
    });
    return `${publicUrl}/ui/conversation?${query}`;
  }

  async function streamUrl(session: SessionRecord): Promise<string> {
    const token = await displayToken(signer, session.id);
    return `${publicUrl.replace(/^http/, "ws")}/conversation/${session.id}/display?token=${token}`;
  }

  return {
    isService,
    displayUrl,
    streamUrl,
    topic: conversationTopic,
    store,

    /** `POST /conversation/:id/init` (service token only): `sessionId` "new" picks a CSPRNG id. */
    async init(
      token: string | undefined,
      input: { sessionId?: string; tenantId: string; category: Category; currency?: string },
    ) {
      if (!(await isService(token))) throw denied();
      return this.initTrusted(input);
    },

    /** Init for callers already authorised (the restaurant API, the demo). */
    async initTrusted(
      input: { sessionId?: string; tenantId: string; category: Category; currency?: string },
    ) {
      const currency = input.currency ?? await options.tenantCurrency?.(input.tenantId);
      const { session, writeToken, created } = await store.init({ ...input, currency });
      return {
        created,
        body: {
          sessionId: session.id,
          tenantId: session.tenantId,
          category: session.category,
          currency: session.currency ?? defaultCurrency,
          displayUrl: await displayUrl(session),
          websocketUrl: await streamUrl(session),
          expiresAt: new Date(session.expiresAt).toISOString(),
          ...(writeToken ? { writeToken } : {}),
        },
      };
    },

    /** Validates every update first (a bad one rejects the whole batch), then appends them in order. */
    async write(
      sessionId: string,
      token: string | undefined,
      raw: unknown[],
      hints: SessionHints = {},
    ): Promise<DisplayUpdate[]> {
      const entry = await store.get(sessionId);
      let session = entry.value;
      if (!session || !(await isWriter(session, token))) {
        if (session || !(await isService(token))) throw denied();
        session = await this.autoInit(sessionId, hints);
      }
      return this.writeTrusted(session, raw);
    },

    /** Checks a writer's token (the session's write token or the service token); returns the session. */
    async authorizeWrite(sessionId: string, token: string | undefined): Promise<SessionRecord> {
      const session = await store.get(sessionId);
      if (session.value && await isWriter(session.value, token)) return session.value;
      if (!session.value && await isService(token)) {
        throw new KilnError(
          "not_found",
          "session_not_found",
          "This conversation session has ended or never existed.",
        );
      }
      throw denied();
    },

    /** Appends to a session the caller is already authorised for (the restaurant API). */
    writeTrusted(session: SessionRecord, raw: unknown[]): Promise<DisplayUpdate[]> {
      const context = { currency: session.currency };
      const updates = raw.map((update, index) =>
        parseUpdate(update, raw.length === 1 ? "body" : `updates.${index}`, context)
      );
      return store.append(session.id, updates);
    },

    /** The implicit init of a service-token call for a session nobody initialised. */
    async autoInit(sessionId: string, hints: SessionHints): Promise<SessionRecord> {
      await this.initTrusted({
        sessionId,
        tenantId: hints.tenantId ?? defaultTenant,
        category: hints.category ?? "restaurant",
      });
      return (await store.require(sessionId)).value;
    },

    /**
     * Checks a reader's token; returns the session. `hints` (service token only) make a state call
     * for a session nobody initialised create it, as writes do; without them it is a 404.
     */
    async authorizeRead(
      sessionId: string,
      token: string | undefined,
      hints?: SessionHints,
    ): Promise<SessionRecord> {
      if (!token) throw denied();
      const session = await store.get(sessionId);
      if (!session.value) {
        if (hints && await isService(token)) return this.autoInit(sessionId, hints);
        if (await isService(token) || await isDisplayToken(signer, sessionId, token)) {
          throw new KilnError(
            "not_found",
            "session_not_found",
            "This conversation session has ended or never existed.",
          );
        }
        throw denied();
      }
      const allowed = await isDisplayToken(signer, sessionId, token) || await isWriter(session.value, token);
      if (!allowed) throw denied();
      return session.value;
    },
  };
}
