import { z } from "zod";
import VoiceOrder from "../../islands/VoiceOrder.tsx";
import { isKilnError } from "../../lib/errors.ts";
import { define } from "../../lib/http/route.ts";
import { conversationModule, type Theme, themeCss } from "../../lib/conversation/mod.ts";
import { demoVoiceTenant, voiceModule } from "../../lib/voice/mod.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

type Data =
  | { kind: "order"; tenantId: string; theme: Theme; provider: string }
  | { kind: "no_menu"; tenantId: string };

export const title = (data: Data) =>
  data.kind === "order" ? `Order by voice — ${data.theme.name}` : "Order by voice";

/** The microphone is this page's whole point; every other page keeps it switched off. */
const allowMicrophone = { "permissions-policy": "camera=(), microphone=(self), geolocation=()" };

export const handler: Handlers = {
  GET: define.get({
    summary: "Order by voice (HTML): talk or type to the restaurant, watch the order on its display",
    tags: ["conversation"],
    query: z.object({ tenant: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).optional() }),
    async handle({ query, services, render }) {
      const tenantId = query.tenant ?? demoVoiceTenant;
      try {
        await services.module(voiceModule).menu(tenantId); // a tenant without a menu cannot take orders
      } catch (error) {
        if (!isKilnError(error) || error.code !== "menu_not_found") throw error;
        return render({ kind: "no_menu", tenantId } satisfies Data, { status: 404 });
      }
      const theme = await services.module(conversationModule).themes.resolve(tenantId, "restaurant");
      return render(
        { kind: "order", tenantId, theme, provider: services.module(voiceModule).provider } satisfies Data,
        { headers: allowMicrophone },
      );
    },
  }),
};

export default function RestaurantVoicePage({ data, nonce }: PageProps<Data>) {
  if (data.kind === "no_menu") {
    return (
      <>
        <h1>Order by voice</h1>
        <p class="banner error" role="alert">This restaurant has no menu yet.</p>
      </>
    );
  }
  return (
    <div class="conversation conversation-restaurant voice-page">
      <style nonce={nonce}>{themeCss(data.theme)}</style>
      <header class="conv-header">
        {data.theme.logoUrl && <img class="conv-logo" src={data.theme.logoUrl} alt="" />}
        <h1>{data.theme.name}</h1>
        <span class="badge">Order by voice</span>
      </header>
      <p class="muted voice-intro">
        Tap the microphone and say what you would like — or type it. Your order appears on the screen as you
        speak; you can open it on a second screen too. {data.provider === "local"
          ? "Speech is recognised on this server, offline."
          : "Speech is handled by Gemini Live."}
      </p>
      <VoiceOrder tenantId={data.tenantId} workletUrl="/static/voice/capture-worklet.js" />
    </div>
  );
}
