/**
 * The seam between a voice conversation and whatever understands it. An agent hears audio and
 * text, calls the restaurant tools through its host and says things back; the host (one per open
 * socket, `conversation.ts`) turns what the agent emits into socket messages and display updates.
 * Two providers implement it: `local` (pocketsphinx + rules + flite/espeak-ng, offline) and
 * `gemini` (Vertex AI / Gemini Live).
 */
import type { Menu } from "../conversation/mod.ts";
import type { Logger } from "../log.ts";

export type Speaker = "user" | "assistant";

/** What an agent reports; the host forwards each to the client and the display. */
export type AgentEvent =
  /** The caller started talking (confirmed speech): playback of the assistant stops. */
  | { type: "speech_started" }
  /** The caller's utterance ended (the recogniser is finishing it). */
  | { type: "speech_stopped" }
  | { type: "transcript"; speaker: Speaker; text: string; isFinal: boolean }
  /** Assistant speech, mono PCM16 at `OUTPUT_SAMPLE_RATE`; `final` marks the reply's last chunk. */
  | { type: "audio"; samples: Int16Array; final?: boolean }
  /** The model stopped its reply because the caller spoke (Gemini reports this itself). */
  | { type: "interrupted" }
  | { type: "turn_complete" }
  /** Something the caller should know; `fatal` ends the conversation. */
  | { type: "error"; code: string; message: string; fatal?: boolean };

/** A tool call as the client sees it, and its result. */
export interface ToolOutcome {
  ok: boolean;
  [field: string]: unknown;
}

/** What a conversation offers its agent. */
export interface AgentHost {
  sessionId: string;
  tenantId: string;
  language: string;
  log: Logger;
  /** Aborted when the socket closes. */
  signal: AbortSignal;
  emit(event: AgentEvent): void;
  /** Runs a restaurant tool (display updated as by the tool route); never throws for refusals. */
  runTool(name: string, args: Record<string, unknown>, callId?: string): Promise<ToolOutcome>;
  /** Shows an extra card on the display (a menu section the tools have no call for). */
  show(update: { type: string; data: Record<string, unknown> }): Promise<void>;
  menu(): Promise<Menu>;
  /** The restaurant session: cart with totals, customer, fulfilment, order. */
  session(): Promise<SessionView>;
}

/** The parts of `restaurant.getSession()` agents read. */
export interface SessionView {
  cart: { itemId: string; name: string; quantity: number }[];
  customer?: { name: string; phone?: string };
  address?: { text: string; verified: boolean; fulfilment: "delivery" | "pickup" };
  order?: { orderId: string; totalMinor: number; currency: string; etaMinutes: number };
  totals: { itemCount: number; totalMinor: number; currency: string };
}

/** One conversation's agent. Calls arrive in socket order; none of them throws. */
export interface VoiceAgent {
  /** Microphone audio, mono PCM16 at `INPUT_SAMPLE_RATE`. */
  audio(samples: Int16Array): void;
  /** Typed input: a whole user turn. */
  text(text: string): void;
  /** The client says the caller stopped talking (push-to-talk release). */
  endOfSpeech(): void;
  /** The client stopped playback (barge-in); the agent drops the rest of its reply. */
  interrupt(): void;
  close(): Promise<void>;
}

export interface VoiceAgentProvider {
  name: "local" | "gemini";
  open(host: AgentHost): Promise<VoiceAgent>;
  /** For `/health`: whether this provider can run, and why not. */
  health(): Promise<{ state: "ok" | "degraded"; [detail: string]: unknown }>;
  close(): Promise<void>;
}
