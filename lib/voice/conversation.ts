/**
 * One open voice socket's conversation: the host an agent talks through. It forwards what the
 * agent says to the client (JSON, and speech paced by the outbox), puts every final transcript on
 * the session's display, and runs tool calls through the restaurant service — the same function
 * the tool route calls, so the display changes exactly as it does for `POST …/tools/:name`.
 * Display writes and tool calls share one queue, so the screen shows them in the order they
 * happened (what the caller said, then the cart change, then the reply).
 */
import { isKilnError, withoutServerPaths } from "../errors.ts";
import type { Logger } from "../log.ts";
import { errorMessage } from "../log.ts";
import type {
  AgentEvent,
  AgentHost,
  SessionView,
  ToolOutcome,
  VoiceAgent,
  VoiceAgentProvider,
} from "./agent.ts";
import { type OutboxTarget, SpeechOutbox } from "./audio/outbox.ts";
import type { VoiceDependencies } from "./dependencies.ts";

export interface ConversationInfo {
  sessionId: string;
  tenantId: string;
  language: string;
}

/** Interim transcripts reach the display at most this often (finals always). */
const INTERIM_DISPLAY_MS = 300;

export class Conversation {
  readonly #deps: VoiceDependencies;
  readonly #info: ConversationInfo;
  readonly #client: OutboxTarget;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  readonly #outbox: SpeechOutbox;
  #agent?: VoiceAgent;
  #queue: Promise<unknown> = Promise.resolve();
  #muted = false;
  #lastInterimAt = 0;
  #toolCalls = 0;
  #onFatal: (code: string) => void;

  constructor(
    deps: VoiceDependencies,
    info: ConversationInfo,
    client: OutboxTarget,
    onFatal: (code: string) => void,
  ) {
    this.#deps = deps;
    this.#info = info;
    this.#client = client;
    this.#onFatal = onFatal;
    this.#log = deps.log.child({ sessionId: info.sessionId });
    this.#outbox = new SpeechOutbox(client);
  }

  get agent(): VoiceAgent | undefined {
    return this.#agent;
  }

  /** Opens the provider's agent for this conversation. */
  async start(provider: VoiceAgentProvider): Promise<void> {
    this.#agent = await provider.open(this.#host());
  }

  /** The client asked to stop the reply (barge-in). */
  bargeIn(): void {
    this.#silence();
    this.#agent?.interrupt();
  }

  async close(): Promise<void> {
    this.#abort.abort();
    this.#outbox.close();
    await this.#agent?.close();
    await this.#queue.catch(() => {});
  }

  #host(): AgentHost {
    const { restaurant } = this.#deps;
    const { sessionId, tenantId, language } = this.#info;
    return {
      sessionId,
      tenantId,
      language,
      log: this.#log,
      signal: this.#abort.signal,
      emit: (event) => this.#handle(event),
      runTool: (name, args, callId) => this.#enqueue(() => this.#runTool(name, args, callId)),
      show: (update) =>
        this.#enqueue(async () => {
          await restaurant.display(sessionId, update);
        }),
      menu: () => restaurant.getMenu(tenantId),
      session: async () => (await restaurant.getSession(sessionId)) as unknown as SessionView,
    };
  }

  #handle(event: AgentEvent): void {
    if (this.#abort.signal.aborted) return;
    switch (event.type) {
      case "speech_started":
        // The caller talks over the reply: stop it (what is queued is dropped, the client stops).
        if (this.#outbox.speaking) this.#silence();
        return this.#client.json({ type: "speech_started" });
      case "speech_stopped":
        return this.#client.json({ type: "speech_stopped" });
      case "transcript": {
        if (event.speaker === "assistant" && event.isFinal) this.#muted = false;
        this.#client.json({
          type: "transcript",
          speaker: event.speaker,
          text: event.text,
          isFinal: event.isFinal,
        });
        const now = performance.now();
        if (!event.isFinal && now - this.#lastInterimAt < INTERIM_DISPLAY_MS) return;
        if (!event.isFinal) this.#lastInterimAt = now;
        const update = {
          type: "transcription",
          data: { text: event.text, speaker: event.speaker, isFinal: event.isFinal },
        };
        this.#enqueue(() => this.#deps.restaurant.display(this.#info.sessionId, update)).catch(() => {});
        return;
      }
      case "audio":
        if (this.#muted) return;
        this.#outbox.push(event.samples, event.final);
        return;
      case "interrupted":
        this.#silence();
        return;
      case "turn_complete":
        this.#outbox.endReply();
        this.#muted = false;
        return this.#client.json({ type: "turn_complete" });
      case "error": {
        const message = withoutServerPaths(event.message); // tool stderr may name temp files
        this.#client.json({ type: "error", code: event.code, message, error: message });
        if (event.fatal) this.#onFatal(event.code);
        return;
      }
    }
  }

  /** Stops the current reply: nothing more of it is sent until the agent's next turn. */
  #silence() {
    this.#muted = true;
    if (!this.#outbox.interrupt()) this.#client.json({ type: "interrupted" });
  }

  async #runTool(name: string, args: Record<string, unknown>, callId?: string): Promise<ToolOutcome> {
    const id = callId ?? `call_${++this.#toolCalls}`;
    this.#client.json({ type: "tool_call", id, name, args });
    let outcome: ToolOutcome;
    try {
      const result: Record<string, unknown> = await this.#deps.restaurant.runTool(
        this.#info.sessionId,
        name,
        args,
      );
      outcome = { ...result, ok: result.ok !== false };
    } catch (error) {
      if (!isKilnError(error)) {
        this.#log.error("voice.tool_failed", { tool: name, error: errorMessage(error) });
        outcome = { ok: false, error: "tool_failed", message: "The tool failed; try again." };
      } else outcome = { ok: false, error: error.code, message: error.message, ...error.details };
    }
    this.#client.json({ type: "tool_result", id, name, ok: outcome.ok, result: outcome });
    return outcome;
  }

  #enqueue<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step, step);
    this.#queue = next.catch((error) => {
      this.#log.warn("voice.display_write_failed", { error: errorMessage(error) });
      if (isKilnError(error) && error.code === "session_not_found") {
        this.#handle({
          type: "error",
          code: "session_not_found",
          message: "This session has ended.",
          fatal: true,
        });
      }
    });
    return next;
  }
}
