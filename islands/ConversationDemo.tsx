import { useState } from "preact/hooks";

/** Starts the scripted demo conversation and opens its display. */
export default function ConversationDemo() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setProblem(null);
    try {
      const response = await fetch("/conversation/demo", { method: "POST" });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
      location.assign(body.displayPath);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  }

  return (
    <div class="stack">
      <div class="row">
        <button class="button" type="button" onClick={start} disabled={busy}>
          {busy ? "Starting…" : "Play a demo conversation"}
        </button>
      </div>
      {problem && <p class="banner error" role="alert">{problem}</p>}
    </div>
  );
}
