/**
 * `WS /ws/restaurant/:sessionId`: upgrades an authorised request and runs one conversation over
 * it. Bad input never closes the socket on its own — a malformed message, an odd-length or
 * oversized audio frame, a wrong sample rate each get an `error` message with a stable code — but
 * a client that keeps sending garbage (or floods audio far faster than real time) is cut off.
 * Opening the same session again takes it over: the older socket is told and closed, so a client
 * that reconnects after a network drop continues its order (the cart is in KV, never here).
 */
import { errorMessage, type Logger } from "../log.ts";
import type { VoiceAgentProvider } from "./agent.ts";
import { INPUT_SAMPLE_RATE, pcm16FromBytes } from "./audio/pcm.ts";
import { Conversation, type ConversationInfo } from "./conversation.ts";
import type { VoiceDependencies } from "./dependencies.ts";
import {
  ClientMessage,
  inputFormat,
  MAX_AUDIO_FRAME_BYTES,
  MAX_TEXT_MESSAGE_BYTES,
  outputFormat,
  type VoiceErrorCode,
} from "./protocol.ts";

export interface VoiceSocketOptions {
  request: Request;
  info: ConversationInfo;
  deps: VoiceDependencies;
  provider: VoiceAgentProvider;
  /** Open conversations of this instance by session id (to take over a session). */
  open: Map<string, (reason: "session_taken_over" | "server_restarting") => void>;
  heartbeatMs: number;
  /** Audio accepted per second of wall time, as a multiple of real time. */
  audioRateLimit: number;
  /** Extra fields for `session_started` (the cart when resuming). */
  greeting: () => Promise<Record<string, unknown>>;
  log: Logger;
}

/** Protocol errors tolerated before the socket is closed (1008). */
const MAX_PROTOCOL_ERRORS = 50;
/** Bytes held while the agent starts (5 s of 16 kHz PCM16). */
const MAX_EARLY_BYTES = 160_000;
/** Audio the client may send ahead of real time, in ms. */
const AUDIO_BURST_MS = 10_000;

export function serveVoiceSocket(options: VoiceSocketOptions): Response {
  const { request, info, log } = options;
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  let conversation: Conversation | undefined;
  let ready = false;
  /** What arrives while the agent is still starting (Stonepot's client streams at once): replayed. */
  let early: MessageEvent[] = [];
  let earlyBytes = 0;
  let closed = false;
  let errors = 0;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let audioBudgetMs = AUDIO_BURST_MS;
  let budgetAt = performance.now();
  let rateReportedAt = -Infinity;

  const client = {
    json(message: Record<string, unknown>) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    binary(bytes: Uint8Array) {
      if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
    },
  };

  function fail(code: VoiceErrorCode, message: string) {
    client.json({ type: "error", code, message, error: message });
    if (++errors > MAX_PROTOCOL_ERRORS) close(1008, "too many protocol errors");
  }

  function close(code: number, reason: string) {
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close(code, reason);
    }
    teardown();
  }

  function teardown() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (options.open.get(info.sessionId) === endFromOutside) options.open.delete(info.sessionId);
    conversation?.close().catch((error) => log.warn("voice.close_failed", { error: errorMessage(error) }));
    log.info("voice.closed", { sessionId: info.sessionId });
  }

  /** Another socket took the session over, or the server is shutting down. */
  function endFromOutside(reason: "session_taken_over" | "server_restarting") {
    const message = reason === "session_taken_over"
      ? "This session was opened elsewhere."
      : "The server is restarting; reconnect to continue your order.";
    client.json({ type: "error", code: reason, message, error: message });
    close(reason === "session_taken_over" ? 4000 : 1012, reason);
  }

  /** A token bucket in milliseconds of audio, refilled at `audioRateLimit` × real time. */
  function admitAudio(ms: number): boolean {
    const now = performance.now();
    audioBudgetMs = Math.min(AUDIO_BURST_MS, audioBudgetMs + (now - budgetAt) * options.audioRateLimit);
    budgetAt = now;
    if (audioBudgetMs >= ms) {
      audioBudgetMs -= ms;
      return true;
    }
    if (now - rateReportedAt > 5_000) {
      rateReportedAt = now;
      fail("audio_rate_exceeded", "Audio is arriving faster than real time; frames are being dropped.");
    }
    return false;
  }

  function onAudio(data: ArrayBuffer) {
    if (data.byteLength === 0) return;
    if (data.byteLength > MAX_AUDIO_FRAME_BYTES) {
      return fail(
        "audio_frame_too_large",
        `An audio frame may be at most ${MAX_AUDIO_FRAME_BYTES} bytes (1 s).`,
      );
    }
    if (data.byteLength % 2 !== 0) {
      return fail("bad_audio_frame", "Audio frames are 16-bit samples: the length must be even.");
    }
    const head = new Uint8Array(data, 0, Math.min(4, data.byteLength));
    if (String.fromCharCode(...head) === "RIFF") {
      return fail("bad_audio_frame", "Send raw PCM16 frames, not a WAV file.");
    }
    if (!admitAudio((data.byteLength / 2 / INPUT_SAMPLE_RATE) * 1000)) return;
    conversation?.agent?.audio(pcm16FromBytes(new Uint8Array(data)));
  }

  function onMessage(text: string) {
    if (text.length > MAX_TEXT_MESSAGE_BYTES) {
      return fail("message_too_large", `A JSON message may be at most ${MAX_TEXT_MESSAGE_BYTES} bytes.`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return fail("malformed_message", "Messages are JSON objects with a type.");
    }
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail("invalid_message", `Invalid message: ${issue.path.join(".") || "type"} ${issue.message}`);
    }
    const message = parsed.data;
    const agent = conversation?.agent;
    switch (message.type) {
      case "ping":
        return client.json({ type: "pong", at: Date.now() });
      case "pong":
        return;
      case "end_session":
        return close(1000, "session ended");
      case "start":
      case "start_session":
        return start(message);
      case "text":
        agent?.text(message.text);
        return;
      case "stop":
      case "turn_complete":
        agent?.endOfSpeech();
        return;
      case "barge_in":
      case "interrupt":
        conversation?.bargeIn();
        return;
    }
  }

  function start(message: { sampleRate?: number; encoding?: string }) {
    if (message.encoding && !["pcm_s16le", "pcm16", "linear16", "audio/pcm"].includes(message.encoding)) {
      return fail("unsupported_encoding", "Audio must be PCM16 little-endian (encoding pcm_s16le).");
    }
    if (message.sampleRate !== undefined && message.sampleRate !== INPUT_SAMPLE_RATE) {
      return fail(
        "unsupported_sample_rate",
        `Audio must be ${INPUT_SAMPLE_RATE} Hz mono; resample ${message.sampleRate} Hz before sending.`,
      );
    }
    client.json({
      type: "session_ready",
      sessionId: info.sessionId,
      input: inputFormat,
      output: outputFormat,
    });
  }

  socket.onopen = async () => {
    options.open.get(info.sessionId)?.("session_taken_over");
    options.open.set(info.sessionId, endFromOutside);
    conversation = new Conversation(options.deps, info, client, (code) => close(1011, code));
    try {
      await conversation.start(options.provider);
    } catch (error) {
      log.warn("voice.agent_failed", { sessionId: info.sessionId, error: errorMessage(error) });
      client.json({
        type: "error",
        code: "agent_unavailable",
        message: "The voice assistant is unavailable; try again shortly.",
        error: "agent_unavailable",
      });
      return close(1011, "agent unavailable");
    }
    const greeting = await options.greeting().catch(() => ({}));
    if (closed) return void conversation.close();
    ready = true;
    client.json({
      type: "session_started",
      sessionId: info.sessionId,
      provider: options.provider.name,
      input: inputFormat,
      output: outputFormat,
      message: "Voice session ready: stream 16 kHz PCM16 audio or send text.",
      ...greeting,
    });
    heartbeat = setInterval(() => client.json({ type: "ping", at: Date.now() }), options.heartbeatMs);
    log.info("voice.opened", { sessionId: info.sessionId, provider: options.provider.name });
    const replay = early;
    early = [];
    for (const event of replay) receive(event);
  };

  socket.onmessage = (event) => {
    if (closed) return;
    if (!ready) {
      // Up to ~5 s of audio (or a few messages) while the agent starts; beyond that, dropped.
      const size = typeof event.data === "string"
        ? event.data.length
        : (event.data as ArrayBuffer).byteLength;
      if (earlyBytes + size <= MAX_EARLY_BYTES) {
        early.push(event);
        earlyBytes += size;
      }
      return;
    }
    receive(event);
  };

  function receive(event: MessageEvent) {
    try {
      if (typeof event.data === "string") onMessage(event.data);
      else if (event.data instanceof ArrayBuffer) onAudio(event.data);
    } catch (error) {
      log.error("voice.message_failed", { error: errorMessage(error) });
      fail("invalid_message", "The message could not be handled.");
    }
  }
  socket.onclose = teardown;
  socket.onerror = teardown;
  return response;
}
