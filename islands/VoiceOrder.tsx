import { useEffect, useRef, useState } from "preact/hooks";
import type { DisplayView } from "../lib/conversation/client.ts";
import { type Microphone, SpeechPlayer, startMicrophone } from "../lib/voice/client.ts";
import ConversationDisplay from "./ConversationDisplay.tsx";

interface Props {
  tenantId: string;
  workletUrl: string;
}

interface Session {
  sessionId: string;
  writeToken: string;
  displayUrl: string;
}

type Status = "idle" | "connecting" | "ready" | "reconnecting" | "closed";

const storageKey = (tenantId: string) => `kiln-voice:${tenantId}`;

/**
 * Order by voice: a microphone button (AudioWorklet → 16 kHz PCM over the voice socket), a text box
 * for typing instead, the assistant's replies played back, and the session's themed display beside
 * it. The session is kept in sessionStorage, so a reload or a dropped connection carries on with the
 * same cart.
 */
export default function VoiceOrder({ tenantId, workletUrl }: Props) {
  const [session, setSession] = useState<Session | null>(null);
  const [display, setDisplay] = useState<DisplayView | null>(null);
  const [status, setStatus] = useState<Status>("idle");
  const [listening, setListening] = useState(false);
  const [level, setLevel] = useState(0);
  const [heard, setHeard] = useState("");
  const [reply, setReply] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [audioBytes, setAudioBytes] = useState(0);
  const [typed, setTyped] = useState("");
  const socket = useRef<WebSocket | null>(null);
  const audio = useRef<{ context: AudioContext; player: SpeechPlayer } | null>(null);
  const microphone = useRef<Microphone | null>(null);
  const retries = useRef(0);
  /** Settles when the current socket's agent is ready (`session_started`). */
  const ready = useRef<PromiseWithResolvers<void> | null>(null);

  useEffect(() => {
    const saved = sessionStorage.getItem(storageKey(tenantId));
    if (saved) void open(JSON.parse(saved) as Session);
    return () => {
      microphone.current?.stop();
      const current = socket.current;
      socket.current = null;
      current?.close();
    };
  }, [tenantId]);

  function audioOutput() {
    if (!audio.current) {
      const context = new AudioContext();
      audio.current = { context, player: new SpeechPlayer(context) };
    }
    void audio.current.context.resume();
    return audio.current;
  }

  async function ensureSession(): Promise<Session> {
    if (session) return session;
    const response = await fetch("/api/voice/sessions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenantId }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
    sessionStorage.setItem(storageKey(tenantId), JSON.stringify(body));
    await open(body);
    return body;
  }

  async function open(next: Session) {
    setSession(next);
    setStatus(socket.current ? "reconnecting" : "connecting");
    const token = new URL(next.displayUrl).searchParams.get("token") ?? "";
    const state = await fetch(`/conversation/${next.sessionId}/state?token=${encodeURIComponent(token)}`);
    if (!state.ok) {
      // The session expired (or was deleted): start afresh next time.
      sessionStorage.removeItem(storageKey(tenantId));
      setSession(null);
      setStatus("idle");
      return;
    }
    setDisplay(await state.json());
    connect(next);
  }

  function connect(next: Session) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(
      `${scheme}://${location.host}/ws/restaurant/${next.sessionId}?token=${
        encodeURIComponent(next.writeToken)
      }`,
    );
    ws.binaryType = "arraybuffer";
    socket.current = ws;
    ready.current = Promise.withResolvers<void>();
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") {
        audio.current?.player.play(event.data);
        setAudioBytes((bytes) => bytes + (event.data as ArrayBuffer).byteLength);
        return;
      }
      const message = JSON.parse(event.data);
      switch (message.type) {
        case "session_started":
          ready.current?.resolve();
          retries.current = 0;
          setStatus("ready");
          setProblem(null);
          return;
        case "transcript":
          if (message.speaker === "user") setHeard(message.text);
          else if (message.isFinal) setReply(message.text);
          return;
        case "audio_start":
          if (audio.current) audio.current.player.sampleRate = message.sampleRate;
          return;
        case "interrupted":
          audio.current?.player.stop();
          return;
        case "error":
          setProblem(message.message);
          return;
      }
    };
    ws.onclose = () => {
      if (socket.current !== ws) return; // closed on purpose
      setStatus("reconnecting");
      const delay = Math.min(10_000, 500 * 2 ** retries.current++);
      setTimeout(() => socket.current === ws && connect(next), delay);
    };
  }

  async function toggleMicrophone() {
    if (listening) {
      microphone.current?.stop();
      microphone.current = null;
      setListening(false);
      setLevel(0);
      socket.current?.send(JSON.stringify({ type: "stop" }));
      return;
    }
    setProblem(null);
    try {
      const { context } = audioOutput();
      await ensureSession();
      microphone.current = await startMicrophone(context, workletUrl, (pcm) => {
        if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(pcm);
      }, setLevel);
      setListening(true);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  async function sendText(event: Event) {
    event.preventDefault();
    const text = typed.trim();
    if (!text) return;
    setProblem(null);
    try {
      audioOutput();
      await ensureSession();
      await ready.current?.promise;
      audio.current?.player.stop();
      socket.current?.send(JSON.stringify({ type: "text", text }));
      setTyped("");
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <div class="voice-order" data-testid="voice-order" data-status={status} data-audio-bytes={audioBytes}>
      <section class="voice-panel card" aria-label="Talk to the restaurant">
        <button
          type="button"
          class={`voice-mic ${listening ? "on" : ""}`}
          aria-pressed={listening}
          onClick={toggleMicrophone}
          disabled={status === "connecting"}
        >
          {listening ? "Listening… tap to stop" : "Tap to talk"}
        </button>
        <meter
          class="voice-level"
          min={0}
          max={1}
          value={Math.min(1, level * 6)}
          aria-label="Microphone level"
        />
        <p class="voice-heard" aria-live="polite">
          {heard
            ? (
              <>
                You: <q>{heard}</q>
              </>
            )
            : <span class="muted">Try: “two garlic naan and one dal makhani”</span>}
        </p>
        {reply && <p class="voice-reply" aria-live="polite">{reply}</p>}
        <form class="voice-type row" onSubmit={sendText}>
          <label class="sr-only" for="voice-text">Type instead</label>
          <input
            id="voice-text"
            name="text"
            autocomplete="off"
            maxLength={500}
            placeholder="Or type your order"
            value={typed}
            onInput={(event) =>
              setTyped((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="button">Send</button>
        </form>
        {problem && <p class="banner error" role="alert">{problem}</p>}
        <p class="voice-status muted" data-testid="voice-status">
          {status === "reconnecting" ? "Reconnecting…" : status === "ready" ? "Connected" : ""}
          {session && (
            <>
              {" · "}
              <a href={session.displayUrl} target="_blank" rel="noopener">
                Open the display on another screen
              </a>
            </>
          )}
        </p>
      </section>
      {session && display
        ? (
          <ConversationDisplay
            sessionId={session.sessionId}
            token={new URL(session.displayUrl).searchParams.get("token")!}
            initial={display}
          />
        )
        : <p class="muted voice-placeholder">Your order will appear here.</p>}
    </div>
  );
}
