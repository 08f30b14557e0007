/**
 * Wires voice ordering into Kiln. A caller talks to the restaurant over `WS /ws/restaurant/:sessionId` (Stonepot's voice socket);
 * the agent behind it (offline `local`, or Gemini Live) calls the restaurant tools and every turn
 * shows on the session's display. Self-contained: it uses the conversation module's public
 * services (restaurant tools, display append) and owns nothing of theirs.
 */
import { isKilnError, KilnError } from "../errors.ts";
import type { Services } from "../services.ts";
import { variablesOf } from "../config.ts";
import { voiceReads } from "./config.ts";
import type { VoiceAgentProvider } from "./agent.ts";
import type { VoiceDependencies } from "./dependencies.ts";
import { demoVoiceMenu, demoVoiceTenant } from "./demo_menu.ts";
import { createGeminiProvider } from "./gemini/provider.ts";
import { createLocalProvider } from "./local/agent.ts";
import { Recognizer } from "./local/recognizer.ts";
import { createSynthesizer, detectTtsEngine } from "./local/speech.ts";
import { serveVoiceSocket } from "./socket.ts";
import { conversationModule, type Menu } from "../conversation/mod.ts";

export interface VoiceApi {
  provider: "local" | "gemini";
  /** Authorises (write token or service token) and upgrades to the voice socket. */
  connect(request: Request, sessionId: string, token: string | undefined): Promise<Response>;
  /** A restaurant session ready for voice (the demo tenant's menu is created when missing). */
  startSession(input: { tenantId?: string; language: string }): Promise<VoiceSession>;
  /** The voice socket URL of a session, with its write token. */
  voiceUrl(sessionId: string, writeToken: string): string;
  /** A tenant's menu (the demo tenant's is created on first use); `menu_not_found` otherwise. */
  menu(tenantId: string): Promise<Menu>;
}

export interface VoiceSession {
  sessionId: string;
  tenantId: string;
  writeToken: string;
  voiceUrl: string;
  displayUrl: string;
  expiresAt: string;
}

export async function setupVoice(services: Services): Promise<VoiceApi> {
  const { config, log } = services;
  const values = variablesOf(config, voiceReads);
  const { restaurant, display } = services.module(conversationModule);
  const deps: VoiceDependencies = { restaurant, log };
  const provider = await createProvider(services);
  const open = new Map<string, (reason: "session_taken_over" | "server_restarting") => void>();
  const wsBase = config.publicUrl.replace(/^http/, "ws");
  const voiceUrl = (sessionId: string, writeToken: string) =>
    `${wsBase}/ws/restaurant/${encodeURIComponent(sessionId)}?token=${encodeURIComponent(writeToken)}`;

  services.health.register("voice", async () => ({
    ...(await provider.health()),
    provider: provider.name,
    conversations: open.size,
  }));
  services.onClose(async () => {
    for (const close of [...open.values()]) close("server_restarting");
    await provider.close();
  });

  const module: VoiceApi = {
    provider: provider.name,
    async connect(request, sessionId, token) {
      const session = await display.authorizeWrite(sessionId, token);
      const restaurantSession = await restaurant.getSession(sessionId);
      if (open.size >= values.VOICE_MAX_CONVERSATIONS && !open.has(sessionId)) {
        throw new KilnError(
          "unavailable",
          "too_many_conversations",
          "Too many voice conversations; retry shortly.",
          {
            retryAfterSeconds: 5,
          },
        );
      }
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        throw new KilnError(
          "malformed",
          "websocket_upgrade_required",
          "This endpoint expects a WebSocket upgrade.",
        );
      }
      return serveVoiceSocket({
        request,
        info: { sessionId, tenantId: session.tenantId, language: restaurantSession.language },
        deps,
        provider,
        open,
        heartbeatMs: config.liveHeartbeatMs,
        audioRateLimit: values.VOICE_AUDIO_RATE_LIMIT,
        greeting: async () => {
          const current = await restaurant.getSession(sessionId);
          return {
            resumed: current.cart.length > 0 || current.customer !== undefined,
            cart: { items: current.cart, ...(current.totals as Record<string, unknown>) },
          };
        },
        log,
      });
    },
    async startSession(input) {
      const tenantId = input.tenantId ?? demoVoiceTenant;
      await module.menu(tenantId);
      const created = await restaurant.createSession({ tenantId, language: input.language });
      return {
        sessionId: created.sessionId,
        tenantId,
        writeToken: created.writeToken!,
        voiceUrl: voiceUrl(created.sessionId, created.writeToken!),
        displayUrl: created.displayUrl,
        expiresAt: created.expiresAt,
      };
    },
    voiceUrl,
    async menu(tenantId) {
      try {
        return await restaurant.getMenu(tenantId);
      } catch (error) {
        if (tenantId !== demoVoiceTenant || !isKilnError(error) || error.code !== "menu_not_found") {
          throw error;
        }
        return await restaurant.putMenu(tenantId, demoVoiceMenu);
      }
    },
  };
  return module;
}

async function createProvider(services: Services): Promise<VoiceAgentProvider> {
  const values = variablesOf(services.config, voiceReads);
  if (values.VOICE_PROVIDER === "gemini") return createGeminiProvider(services);
  const model = values.VOICE_ASR_MODEL_DIR.replace(/\/$/, "");
  const recognizer = new Recognizer({
    paths: { hmm: `${model}/en-us`, dict: `${model}/cmudict-en-us.dict`, lm: `${model}/en-us.lm.bin` },
    decoders: values.VOICE_ASR_DECODERS,
    espeak: "espeak-ng",
    log: services.log,
  });
  const engine = values.VOICE_TTS === "none"
    ? undefined
    : await detectTtsEngine(values.VOICE_TTS === "auto" ? undefined : values.VOICE_TTS);
  return createLocalProvider({
    kv: services.kv,
    recognizer,
    synthesizer: engine ? createSynthesizer(engine, values.VOICE_TTS_VOICE) : undefined,
    endpointer: { endSilenceMs: values.VOICE_END_SILENCE_MS },
    dictation: values.VOICE_ASR_DICTATION,
    stateTtlMs: Math.round(values.CONVERSATION_SESSION_TTL_HOURS * 3_600_000),
  });
}
