import { useEffect, useState } from "preact/hooks";

interface JobView {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: number;
  step?: string;
  error?: string;
}

/** What survives a reload: the job, the steps seen so far and the last event id to resume after. */
interface Saved {
  id: string;
  steps: string[];
  lastEventId: number;
  savedAt: number;
}

const terminal = new Set(["succeeded", "failed", "cancelled"]);
const storageKey = "kiln.sampleJob";
/** A saved job older than this is not worth reconnecting to (finished jobs expire after an hour). */
const keepMs = 30 * 60_000;

function load(): Saved | null {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey) ?? "null") as Saved | null;
    return saved && Date.now() - saved.savedAt < keepMs ? saved : null;
  } catch {
    return null;
  }
}

function save(saved: Saved | null): void {
  try {
    if (saved) localStorage.setItem(storageKey, JSON.stringify(saved));
    else localStorage.removeItem(storageKey);
  } catch {
    // Private mode or a full store: the demo still runs, it just will not survive a reload.
  }
}

/**
 * Starts a demo job and follows its progress live over SSE. The job id, the steps seen and the last
 * event id are kept in localStorage, so after a reload the page reconnects to the running job and
 * the stream replays exactly the steps missed meanwhile (`?lastEventId=`).
 */
export default function JobDemo({ steps }: { steps: number }) {
  const [job, setJob] = useState<JobView | null>(null);
  const [done, setDone] = useState<string[]>([]);
  const [resumeAfter, setResumeAfter] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const saved = load();
    if (!saved) return;
    fetch(`/api/jobs/${encodeURIComponent(saved.id)}`).then(async (response) => {
      if (!response.ok) return save(null); // expired or gone
      setDone(saved.steps);
      setResumeAfter(saved.lastEventId);
      setJob(await response.json());
    }).catch(() => {});
  }, []);

  useEffect(() => {
    if (!job || terminal.has(job.status)) return;
    let seen = done;
    const source = new EventSource(`/api/jobs/${job.id}/events?lastEventId=${resumeAfter}`);
    source.addEventListener("job", (event) => {
      const message = event as MessageEvent;
      const next = JSON.parse(message.data) as JobView;
      if (next.step && seen.at(-1) !== next.step) seen = [...seen, next.step];
      setJob(next);
      setDone(seen);
      save({ id: next.id, steps: seen, lastEventId: Number(message.lastEventId) || 0, savedAt: Date.now() });
      if (terminal.has(next.status)) source.close();
    });
    return () => source.close();
  }, [job?.id]);

  async function start() {
    setBusy(true);
    setProblem(null);
    setDone([]);
    setResumeAfter(0);
    try {
      const response = await fetch("/api/demo/jobs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ steps }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
      save({ id: body.job.id, steps: [], lastEventId: 0, savedAt: Date.now() });
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
