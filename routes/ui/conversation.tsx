import { z } from "zod";
import ConversationDemo from "../../islands/ConversationDemo.tsx";
import ConversationDisplay from "../../islands/ConversationDisplay.tsx";
import { isKilnError } from "../../lib/errors.ts";
import { define } from "../../lib/http/route.ts";
import { conversationModule, type SessionState, type Theme, themeCss } from "../../lib/conversation/mod.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

type Data =
  | { kind: "intro" }
  | { kind: "denied"; message: string }
  | { kind: "display"; state: SessionState; theme: Theme; token: string };

export const title = (data: Data) =>
  data.kind === "display" ? (data.theme.name || "Conversation") : "Conversation display";

export const handler: Handlers = {
  GET: define.get({
    summary: "The themed live conversation display (HTML); its data is GET /conversation/:id/state",
    tags: ["conversation"],
    // Every parameter is optional and only `session`/`token` are used: nothing here is echoed raw.
    query: z.object({
      session: z.string().max(128).optional(),
      token: z.string().max(200).optional(),
      tenant: z.string().max(200).optional(),
      category: z.string().max(200).optional(),
    }),
    async handle({ query, services, render }) {
      if (!query.session) return render({ kind: "intro" } satisfies Data);
      const module = services.module(conversationModule);
      try {
        const session = await module.display.authorizeRead(query.session, query.token);
        const [state, theme] = await Promise.all([
          module.display.store.state(session.id),
          module.themes.resolve(session.tenantId, session.category),
        ]);
        return render({ kind: "display", state, theme, token: query.token! } satisfies Data);
      } catch (error) {
        if (!isKilnError(error) || !["unauthorized", "not_found"].includes(error.kind)) throw error;
        const message = error.kind === "not_found"
          ? "This conversation has ended."
          : "This display link is not valid. Ask for a new one.";
        return render({ kind: "denied", message } satisfies Data, {
          status: error.kind === "not_found" ? 404 : 401,
        });
      }
    },
  }),
};

export default function ConversationPage({ data, nonce }: PageProps<Data>) {
  if (data.kind === "intro") {
    return (
      <>
        <h1>Conversation display</h1>
        <p class="lead">
          A themed, live second screen for a voice assistant. The voice backend posts display updates; every
          browser showing the session sees them at once — dishes, the cart, the checkout and the confirmed
          order.
        </p>
        <ConversationDemo />
        <p class="muted">
          The demo plays a scripted restaurant order into a new session. Open the same link on a second screen
          to watch both update together. The API is in the <a href="/docs#tag-conversation">docs</a>.
        </p>
      </>
    );
  }
  if (data.kind === "denied") {
    return (
      <>
        <h1>Conversation display</h1>
        <p class="banner error" role="alert">{data.message}</p>
      </>
    );
  }
  const { state, theme, token } = data;
  return (
    <div class={`conversation conversation-${state.category} conversation-${theme.mode}`}>
      <style nonce={nonce}>{themeCss(theme)}</style>
      <header class="conv-header">
        {theme.logoUrl && <img class="conv-logo" src={theme.logoUrl} alt="" />}
        <h1>{theme.name}</h1>
        <span class="badge">{state.category === "financial" ? "Advisor" : "Your order"}</span>
      </header>
      <ConversationDisplay
        sessionId={state.sessionId}
        token={token}
        initial={{ seq: state.seq, transcripts: state.transcripts, updates: state.updates }}
      />
    </div>
  );
}
