import { useEffect, useState } from "preact/hooks";

interface JobView {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: number;
  step?: string;
  error?: string;
}

const terminal = new Set(["succeeded", "failed", "cancelled"]);

/** Starts a demo job and follows its progress live over SSE (EventSource reconnects on its own). */
export default function JobDemo({ steps }: { steps: number }) {
  const [job, setJob] = useState<JobView | null>(null);
  const [done, setDone] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!job || terminal.has(job.status)) return;
    const source = new EventSource(`/api/jobs/${job.id}/events`);
    source.addEventListener("job", (event) => {
      const next = JSON.parse((event as MessageEvent).data) as JobView;
      setJob(next);
      if (next.step) setDone((steps) => (steps.at(-1) === next.step ? steps : [...steps, next.step!]));
      if (terminal.has(next.status)) source.close();
    });
    return () => source.close();
  }, [job?.id]);

  async function start() {
    setBusy(true);
    setProblem(null);
    setDone([]);
    try {
      const response = await fetch("/api/demo/jobs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ steps }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
      setJob(body.job);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const running = job !== null && !terminal.has(job.status);
  return (
    <section class="card stack" aria-live="polite" data-testid="job-demo">
      <div class="row">
        <button class="button" type="button" onClick={start} disabled={busy || running}>
          {running ? "Running…" : "Run a sample job"}
        </button>
        {job && (
          <span
            class={`badge ${job.status === "succeeded" ? "ok" : job.status === "failed" ? "error" : ""}`}
            data-testid="job-status"
          >
            {job.status}
          </span>
        )}
      </div>
      {job && (
        <>
          <label class="muted" for="job-demo-progress">
            {job.step ?? "Waiting for a worker"} — {job.progress}%
          </label>
          <progress id="job-demo-progress" max={100} value={job.progress} />
          <ol class="steps" data-testid="job-steps">{done.map((step) => <li key={step}>{step}</li>)}</ol>
        </>
      )}
      {problem && <p class="banner error" role="alert">{problem}</p>}
    </section>
  );
}
