/**
 * The voice socket's wire protocol (`WS /ws/restaurant/:sessionId`), kept compatible with
 * Stonepot's voice client (binary PCM frames, `start_session`, `interrupt`, `turn_complete`,
 * `end_session`, `session_started`, `session_ready`, `{type:"error", error, message}`).
 *
 * Client → server
 * - binary: mono PCM16 little-endian microphone audio at 16 kHz, ≤ `MAX_AUDIO_FRAME_BYTES` each;
 * - `{type:"start", sampleRate?, encoding?}` (alias `start_session`): declares the input format
 *   (only pcm_s16le at 16000 Hz is accepted); answered with `session_ready`;
 * - `{type:"text", text}`: a typed turn;
 * - `{type:"stop"}` (alias `turn_complete`): the caller finished talking (push-to-talk);
 * - `{type:"barge_in"}` (alias `interrupt`): stop the assistant's reply now;
 * - `{type:"ping"}` → `{type:"pong"}`; `{type:"end_session"}` closes the socket.
 *
 * Server → client
 * - `session_started {sessionId, provider, input, output, resumed, cart}` once the agent is ready;
 * - `speech_started`, `speech_stopped` (voice activity), `interrupted` (playback must stop);
 * - `transcript {speaker: user|assistant, text, isFinal}`;
 * - `audio_start {sampleRate, encoding}`, binary PCM16 frames at 24 kHz, `audio_end`;
 * - `tool_call {id, name, args}`, `tool_result {id, name, ok, result}`;
 * - `turn_complete`; `error {code, message, error}`; `ping` heartbeats.
 */
import { z } from "zod";
import { INPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE } from "./audio/pcm.ts";

/** 1 s of 16 kHz PCM16: clients send 20–250 ms frames; anything bigger is a mistake or abuse. */
export const MAX_AUDIO_FRAME_BYTES = 32_000;
export const MAX_TEXT_MESSAGE_BYTES = 4_096;
export const MAX_TEXT_INPUT_CHARS = 500;

export const inputFormat = { encoding: "pcm_s16le", sampleRate: INPUT_SAMPLE_RATE, channels: 1 } as const;
export const outputFormat = { encoding: "pcm_s16le", sampleRate: OUTPUT_SAMPLE_RATE, channels: 1 } as const;

export const ClientMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.enum(["start", "start_session"]),
    sampleRate: z.number().optional(),
    encoding: z.string().max(40).optional(),
    config: z.looseObject({}).optional(),
  }),
  z.object({ type: z.literal("text"), text: z.string().trim().min(1).max(MAX_TEXT_INPUT_CHARS) }),
  z.object({ type: z.enum(["stop", "turn_complete"]) }),
  z.object({ type: z.enum(["barge_in", "interrupt"]) }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("end_session") }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Stable codes of the `error` messages, for clients to switch on. */
export type VoiceErrorCode =
  | "malformed_message"
  | "invalid_message"
  | "message_too_large"
  | "audio_frame_too_large"
  | "bad_audio_frame"
  | "unsupported_sample_rate"
  | "unsupported_encoding"
  | "audio_rate_exceeded"
  | "asr_unavailable"
  | "tts_unavailable"
  | "agent_unavailable"
  | "agent_reconnecting"
  | "session_taken_over"
  | "server_restarting"
  | "turn_failed";
