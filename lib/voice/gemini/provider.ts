/**
 * The Gemini Live voice agent (Vertex AI or the Gemini API): audio and text go to the model, its
 * speech comes back as 24 kHz PCM, its function calls run the restaurant tools, and the model's own
 * transcriptions of both sides become the transcript bubbles. When the stream drops mid-order it
 * reconnects (the cart and customer are re-stated in the new setup, since the model's memory of
 * the conversation went with the old stream).
 */
import { fromBase64, toBase64 } from "../../hmac.ts";
import { errorMessage } from "../../log.ts";
import type { Services } from "../../services.ts";
import { variablesOf } from "../../config.ts";
import { voiceVariables } from "../config.ts";
import { sleep } from "../../sleep.ts";
import type { AgentHost, VoiceAgent, VoiceAgentProvider } from "../agent.ts";
import {
  INPUT_SAMPLE_RATE,
  OUTPUT_SAMPLE_RATE,
  pcm16FromBytes,
  pcm16ToBytes,
  resample,
} from "../audio/pcm.ts";
import { type LiveCredentials, liveCredentials } from "./auth.ts";
import { functionDeclarations, systemInstruction } from "./instructions.ts";
import { type FunctionCall, type LiveServerMessage, LiveSession } from "./live.ts";

const RECONNECT_DELAYS_MS = [250, 1_000, 3_000];

export function createGeminiProvider(services: Services): VoiceAgentProvider {
  const values = variablesOf(services.config, voiceVariables);
  const credentials = liveCredentials({
    apiKey: values.GEMINI_API_KEY,
    projectId: values.VERTEX_PROJECT_ID,
    location: values.VERTEX_LOCATION,
    model: values.VERTEX_MODEL_ID,
    credentialsPath: values.GOOGLE_APPLICATION_CREDENTIALS,
    url: values.GEMINI_LIVE_URL,
  });
  const options = {
    credentials,
    voice: values.VERTEX_AI_VOICE_NAME,
    setupTimeoutMs: values.GEMINI_SETUP_TIMEOUT_MS,
  };
  return {
    name: "gemini",
    async open(host) {
      const agent = new GeminiAgent(host, options);
      await agent.connect();
      return agent;
    },
    health: () => Promise.resolve({ state: "ok", model: credentials.describe }),
    close: () => Promise.resolve(),
  };
}

interface GeminiOptions {
  credentials: LiveCredentials;
  voice: string;
  setupTimeoutMs: number;
}

class GeminiAgent implements VoiceAgent {
  readonly #host: AgentHost;
  readonly #options: GeminiOptions;
  #live?: LiveSession;
  /** Messages held while the stream is being re-established (sent once it is back). */
  #held?: Record<string, unknown>[];
  #userText = "";
  #assistantText = "";
  #closed = false;

  constructor(host: AgentHost, options: GeminiOptions) {
    this.#host = host;
    this.#options = options;
  }

  async connect(): Promise<void> {
    const host = this.#host;
    const [menu, session, endpoint] = await Promise.all([
      host.menu(),
      host.session(),
      this.#options.credentials.endpoint(),
    ]);
    const setup = {
      generationConfig: {
        responseModalities: ["AUDIO"],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: this.#options.voice } } },
      },
      systemInstruction: { parts: [{ text: systemInstruction(menu, session, host.language) }] },
      tools: [{ functionDeclarations: functionDeclarations() }],
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    };
    this.#live = await LiveSession.open(endpoint, setup, {
      message: (message) => this.#receive(message),
      lost: (reason) => this.#reconnect(reason),
    }, this.#options.setupTimeoutMs);
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const message of held) this.#live.send(message);
  }

  /** Sends now, or holds it while reconnecting (at most ~2 MB; the rest is dropped). */
  #send(message: Record<string, unknown>) {
    if (!this.#held) return this.#live?.send(message);
    if (this.#held.length < 200) this.#held.push(message);
  }

  audio(samples: Int16Array): void {
    this.#send({
      realtimeInput: {
        audio: { mimeType: `audio/pcm;rate=${INPUT_SAMPLE_RATE}`, data: toBase64(pcm16ToBytes(samples)) },
      },
    });
  }

  text(text: string): void {
    this.#host.emit({ type: "transcript", speaker: "user", text, isFinal: true });
    this.#send({ clientContent: { turns: [{ role: "user", parts: [{ text }] }], turnComplete: true } });
  }

  endOfSpeech(): void {
    this.#send({ realtimeInput: { audioStreamEnd: true } });
  }

  interrupt(): void {
    // Playback is already stopped by the host; the model stops by itself when the caller speaks.
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#live?.close();
    return Promise.resolve();
  }

  #receive(message: LiveServerMessage) {
    const host = this.#host;
    const content = message.serverContent;
    if (content) {
      if (content.inputTranscription?.text) {
        this.#userText += content.inputTranscription.text;
        host.emit({ type: "transcript", speaker: "user", text: this.#userText.trim(), isFinal: false });
      }
      for (const part of content.modelTurn?.parts ?? []) {
        const audio = part.inlineData;
        if (audio?.data && audio.mimeType?.startsWith("audio/pcm")) {
          this.#finishUserText();
          const rate = Number(/rate=(\d+)/.exec(audio.mimeType)?.[1] ?? OUTPUT_SAMPLE_RATE);
          host.emit({
            type: "audio",
            samples: resample(pcm16FromBytes(fromBase64(audio.data)), rate, OUTPUT_SAMPLE_RATE),
          });
        } else if (part.text) this.#assistantText += part.text;
      }
      if (content.outputTranscription?.text) {
        this.#finishUserText();
        this.#assistantText += content.outputTranscription.text;
        host.emit({
          type: "transcript",
          speaker: "assistant",
          text: this.#assistantText.trim(),
          isFinal: false,
        });
      }
      if (content.interrupted) {
        this.#finishAssistantText();
        host.emit({ type: "interrupted" });
      }
      if (content.turnComplete) {
        this.#finishUserText();
        this.#finishAssistantText();
        host.emit({ type: "turn_complete" });
      }
    }
    if (message.toolCall?.functionCalls) {
      this.#finishUserText();
      void this.#call(message.toolCall.functionCalls);
    }
    if (message.goAway) host.log.info("voice.gemini_go_away", { timeLeft: message.goAway.timeLeft });
  }

  async #call(calls: FunctionCall[]) {
    const responses = [];
    for (const call of calls) {
      const outcome = await this.#host.runTool(call.name, call.args ?? {}, call.id);
      responses.push({ id: call.id, name: call.name, response: { result: outcome } });
    }
    this.#send({ toolResponse: { functionResponses: responses } });
  }

  #finishUserText() {
    const text = this.#userText.trim();
    this.#userText = "";
    if (text) this.#host.emit({ type: "transcript", speaker: "user", text, isFinal: true });
  }

  #finishAssistantText() {
    const text = this.#assistantText.trim();
    this.#assistantText = "";
    if (text) this.#host.emit({ type: "transcript", speaker: "assistant", text, isFinal: true });
  }

  /** The stream dropped: reconnect with the order so far, or give up and end the conversation. */
  async #reconnect(reason: string) {
    if (this.#closed) return;
    const host = this.#host;
    host.log.warn("voice.gemini_lost", { reason });
    this.#held = [];
    host.emit({ type: "error", code: "agent_reconnecting", message: "Reconnecting to the voice assistant…" });
    this.#finishAssistantText();
    host.emit({ type: "turn_complete" });
    for (const delay of RECONNECT_DELAYS_MS) {
      try {
        await sleep(delay, host.signal);
        await this.connect();
        host.log.info("voice.gemini_reconnected", {});
        return;
      } catch (error) {
        if (host.signal.aborted) return;
        host.log.warn("voice.gemini_reconnect_failed", { error: errorMessage(error) });
      }
    }
    host.emit({
      type: "error",
      code: "agent_unavailable",
      message: "The voice assistant is unavailable; your order is saved — reconnect to continue.",
      fatal: true,
    });
  }
}
