/**
 * A client of the Live API's bidirectional stream (`BidiGenerateContent`), the wire protocol
 * Stonepot's VertexAILiveService spoke: JSON messages over one WebSocket, `setup` first and
 * `setupComplete` back, then `realtimeInput` / `clientContent` / `toolResponse` up and
 * `serverContent` / `toolCall` / `toolCallCancellation` / `goAway` down. The server sends its JSON
 * in text or binary frames; both are accepted.
 */
import { KilnError } from "../../errors.ts";
import type { LiveEndpoint } from "./auth.ts";

export interface LivePart {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
}

export interface FunctionCall {
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

/** The server messages Kiln acts on (others are ignored). */
export interface LiveServerMessage {
  setupComplete?: Record<string, never>;
  serverContent?: {
    modelTurn?: { parts?: LivePart[] };
    turnComplete?: boolean;
    interrupted?: boolean;
    generationComplete?: boolean;
    inputTranscription?: { text?: string };
    outputTranscription?: { text?: string };
  };
  toolCall?: { functionCalls?: FunctionCall[] };
  toolCallCancellation?: { ids?: string[] };
  goAway?: { timeLeft?: string };
}

export interface LiveHandlers {
  message(message: LiveServerMessage): void;
  /** The stream ended without `close()` being called. */
  lost(reason: string): void;
}

export class LiveSession {
  readonly #socket: WebSocket;
  #closing = false;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  /** Connects, sends `setup` and resolves once the server answers `setupComplete`. */
  static open(
    endpoint: LiveEndpoint,
    setup: Record<string, unknown>,
    handlers: LiveHandlers,
    timeoutMs: number,
  ): Promise<LiveSession> {
    return new Promise((resolve, reject) => {
      // Deno's WebSocket takes headers (the Vertex Bearer token); browsers' cannot.
      const socket = new WebSocket(endpoint.url, { headers: endpoint.headers } as unknown as string[]);
      socket.binaryType = "arraybuffer";
      const session = new LiveSession(socket);
      let ready = false;
      const timer = setTimeout(() => fail("the Live API did not complete setup in time"), timeoutMs);
      function fail(reason: string) {
        clearTimeout(timer);
        if (ready) return;
        session.#closing = true;
        socket.close();
        reject(new KilnError("upstream", "agent_unavailable", reason));
      }
      socket.onopen = () => socket.send(JSON.stringify({ setup: { model: endpoint.model, ...setup } }));
      socket.onmessage = (event) => {
        const message = decode(event.data);
        if (!message) return;
        if (!ready) {
          if (!message.setupComplete) return;
          ready = true;
          clearTimeout(timer);
          return resolve(session);
        }
        handlers.message(message);
      };
      socket.onerror = () => {
        if (!ready) fail("could not connect to the Live API");
      };
      socket.onclose = (event) => {
        if (!ready) return fail(`the Live API closed the connection (${event.code} ${event.reason})`.trim());
        if (!session.#closing) handlers.lost(`${event.code} ${event.reason}`.trim());
      };
    });
  }

  send(message: Record<string, unknown>): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  close(): void {
    this.#closing = true;
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) {
      this.#socket.close(1000, "done");
    }
  }
}

function decode(data: unknown): LiveServerMessage | undefined {
  try {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
