import { define } from "../../lib/http/route.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const title = "Voice socket protocol";

export const handler: Handlers = {
  GET: define.get({
    summary: "Voice ordering WebSocket protocol (HTML)",
    tags: ["operations"],
    handle: ({ render }) => render(),
  }),
};

const clientMessages: [string, string][] = [
  [
    "binary frame",
    "Microphone audio: mono PCM16 little-endian at 16 kHz, at most 32,000 bytes (1 s) per frame; 100 ms frames are typical.",
  ],
  [
    '{"type":"start", "sampleRate":16000, "encoding":"pcm_s16le"}',
    "Optional: declares the input format (only this one is accepted). Answered with session_ready. Alias: start_session.",
  ],
  ['{"type":"text", "text":"two garlic naan"}', "A typed turn (≤ 500 characters)."],
  [
    '{"type":"stop"}',
    "The caller stopped talking (push-to-talk release): the current utterance ends now. Alias: turn_complete.",
  ],
  [
    '{"type":"barge_in"}',
    "Stop the assistant's reply (the client already stopped playback). Alias: interrupt.",
  ],
  ['{"type":"ping"}', "Answered with pong."],
  ['{"type":"end_session"}', "Closes the socket (the session and its cart stay)."],
];

const serverMessages: [string, string][] = [
  [
    "session_started",
    "The agent is ready: {sessionId, provider, input, output, resumed, cart}. Messages sent earlier are held (up to 5 s of audio) and handled now.",
  ],
  ["session_ready", "Reply to start."],
  [
    "speech_started / speech_stopped",
    "Voice activity of the caller (local agent); speech_started during a reply also interrupts it.",
  ],
  [
    "transcript",
    "{speaker: user|assistant, text, isFinal}. Interim user transcripts arrive while the caller speaks; every final one is also a bubble on the display.",
  ],
  [
    "audio_start / binary frames / audio_end",
    "The assistant's speech: PCM16 mono at 24 kHz, paced ~0.4 s ahead of real time; audio_end {durationMs} ends a reply.",
  ],
  ["interrupted", "Stop playback now and drop what is buffered (the caller spoke, or barge_in)."],
  [
    "tool_call / tool_result",
    "{id, name, args} / {id, name, ok, result}: a restaurant tool ran; the display changed exactly as for POST /api/restaurant/sessions/:id/tools/:name.",
  ],
  ["turn_complete", "The assistant finished its turn."],
  [
    "error",
    "{code, message, error}: e.g. malformed_message, invalid_message, message_too_large, bad_audio_frame, audio_frame_too_large, unsupported_sample_rate, unsupported_encoding, audio_rate_exceeded, asr_unavailable, tts_unavailable, agent_reconnecting, agent_unavailable, session_taken_over, server_restarting, turn_failed. The socket stays open unless the close code says otherwise.",
  ],
  ["ping", "Heartbeat every KILN_LIVE_HEARTBEAT_MS."],
];

/** The voice socket's messages, both ways — the contract a voice client is written against. */
export default function VoiceProtocol() {
  return (
    <div class="docs">
      <h1>Voice socket protocol</h1>
      <p class="lead">
        <code>WS /ws/restaurant/:sessionId?token=…</code> — authorised by the session's write token (or{" "}
        <code>DISPLAY_SERVICE_TOKEN</code> as a Bearer header). Create the session with{" "}
        <code>POST /api/restaurant/sessions</code> (service token; the answer carries{" "}
        <code>voiceUrl</code>) or the public <code>POST /api/voice/sessions</code> the{" "}
        <a href="/ui/restaurant">Order by voice</a>{" "}
        page uses. Reconnecting with the same session continues the order; opening it twice closes the older
        socket (code 4000).
      </p>
      <MessageTable title="Client → server" messages={clientMessages} />
      <MessageTable title="Server → client" messages={serverMessages} />
      <section class="card">
        <h2>Close codes</h2>
        <p>
          1000 end_session · 1008 too many protocol errors · 1011 the agent is unavailable (the order is
          saved; reconnect) · 1012 the server is restarting (reconnect) · 4000 the session was opened
          elsewhere.
        </p>
      </section>
    </div>
  );
}

function MessageTable({ title, messages }: { title: string; messages: [string, string][] }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      <table class="stacked-table">
        <thead>
          <tr>
            <th>Message</th>
            <th>Meaning</th>
          </tr>
        </thead>
        <tbody>
          {messages.map(([message, meaning]) => (
            <tr>
              <td data-label="Message">
                <code>{message}</code>
              </td>
              <td data-label="Meaning">{meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
