import { useEffect, useRef, useState } from "preact/hooks";
import { TranscriptBubble, UpdateCard } from "../components/ConversationCards.tsx";
import { applyToView, type DisplayUpdate, type DisplayView } from "../lib/conversation/client.ts";

interface Props {
  sessionId: string;
  token: string;
  initial: DisplayView;
}

/**
 * Follows a session's display stream over SSE (EventSource resumes with Last-Event-ID on its own)
 * and renders the newest card large, earlier ones below, and the transcript beside them.
 */
export default function ConversationDisplay({ sessionId, token, initial }: Props) {
  const [view, setView] = useState<DisplayView>(initial);
  const [connected, setConnected] = useState(false);
  const transcript = useRef<HTMLElement>(null);

  useEffect(() => {
    const base = `/conversation/${encodeURIComponent(sessionId)}`;
    const query = `token=${encodeURIComponent(token)}`;
    // Start after what the server rendered, so nothing is shown twice or missed in between.
    const source = new EventSource(`${base}/display?${query}&lastEventId=${initial.seq}`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener("state", (event) => {
      const state = JSON.parse((event as MessageEvent).data) as DisplayView;
      setView({ seq: state.seq, transcripts: state.transcripts, updates: state.updates });
    });
    source.addEventListener("update", (event) => {
      const update = JSON.parse((event as MessageEvent).data) as DisplayUpdate;
      setView((current) => applyToView(current, update));
    });
    source.addEventListener("reset", async () => {
      // History we missed is gone: refetch the whole state.
      const response = await fetch(`${base}/state?${query}`);
      if (response.ok) {
        const state = await response.json();
        setView({ seq: state.seq, transcripts: state.transcripts, updates: state.updates });
      }
    });
    return () => source.close();
  }, [sessionId, token]);

  // Scrolls the transcript box only: scrollIntoView would also scroll the page, pulling a phone
  // reader away from the newest card on every line spoken.
  useEffect(() => {
    const box = transcript.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [view.transcripts.length, view.transcripts.at(-1)?.seq]);

  const [latest, ...earlier] = [...view.updates].reverse();
  return (
    <div
      class="conv-layout"
      data-testid="conversation"
      data-seq={view.seq}
      data-connected={String(connected)}
    >
      <section class="conv-cards" aria-live="polite" aria-label="Order and details">
        {latest
          ? (
            <div class="conv-latest">
              <UpdateCard update={latest} />
            </div>
          )
          : <p class="muted conv-empty">Waiting for the conversation to start…</p>}
        <div class="conv-history">
          {earlier.map((update) => <UpdateCard key={update.seq} update={update} />)}
        </div>
      </section>
      <section class="conv-transcript" aria-label="Conversation" ref={transcript}>
        {view.transcripts.map((entry) => <TranscriptBubble key={entry.seq} entry={entry} />)}
      </section>
      <p class={`conv-status badge ${connected ? "ok" : ""}`} data-testid="connection">
        {connected ? "Live" : "Connecting…"}
      </p>
    </div>
  );
}
