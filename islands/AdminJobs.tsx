import { useState } from "preact/hooks";
import { adminApi, useLive } from "../components/admin/api.ts";
import { ago } from "../components/time.ts";
import { Notice, type NoticeState } from "../components/admin/Notice.tsx";

interface Counts {
  queued: number;
  running: number;
  failed: number;
  kinds: string[];
}
interface Job {
  id: string;
  kind: string;
  status: string;
  progress: number;
  step?: string;
  attempts: number;
  maxAttempts: number;
  error?: string;
  updatedAt: number;
  input?: unknown;
}

const statuses = ["failed", "queued", "running", "succeeded", "cancelled"] as const;
const tone: Record<string, string> = { failed: "error", succeeded: "ok", running: "warn" };

/** Jobs by state and kind with live counts; dead letters can be retried, waiting jobs cancelled. */
export default function AdminJobs({ csrf, status: initial }: { csrf: string; status: string }) {
  const api = adminApi(csrf);
  const [status, setStatus] = useState<string>(statuses.includes(initial as never) ? initial : "failed");
  const [kind, setKind] = useState("");
  const [notice, setNotice] = useState<NoticeState>(null);
  const counts = useLive(() => api<Counts>("/api/admin/jobs/counts"), 2_000);
  const query = new URLSearchParams({ status, limit: "100", ...(kind ? { kind } : {}) });
  const jobs = useLive(() => api<{ jobs: Job[] }>(`/api/admin/jobs?${query}`), 4_000, [status, kind]);

  async function act(job: Job, action: "retry" | "cancel") {
    try {
      if (action === "retry") await api(`/api/admin/jobs/${job.id}/retry`, { method: "POST" });
      else await api(`/api/jobs/${job.id}`, { method: "DELETE" });
      setNotice({
        tone: "ok",
        text: `${action === "retry" ? "Re-queued" : "Cancelled"} ${job.kind} ${job.id}.`,
      });
    } catch (error) {
      setNotice({ tone: "error", text: error instanceof Error ? error.message : String(error) });
    }
    counts.refresh();
    jobs.refresh();
  }

  return (
    <section class="stack" data-testid="admin-jobs">
      <div class="admin-stats" aria-live="polite">
        {(["queued", "running", "failed"] as const).map((name) => (
          <button
            key={name}
            type="button"
            class={`admin-stat ${status === name ? "selected" : ""}`}
            onClick={() => setStatus(name)}
            data-testid={`count-${name}`}
          >
            <strong>{counts.data?.[name] ?? "…"}</strong>
            <span>{name === "failed" ? "dead letters" : name}</span>
          </button>
        ))}
      </div>
      <form class="admin-filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select class="input" value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
            {statuses.map((name) => <option key={name} value={name}>{name}</option>)}
          </select>
        </label>
        <label>
          Kind
          <select class="input" value={kind} onChange={(event) => setKind(event.currentTarget.value)}>
            <option value="">all kinds</option>
            {(counts.data?.kinds ?? []).map((name) => <option key={name} value={name}>{name}</option>)}
          </select>
        </label>
      </form>
      <Notice state={notice} />
      {jobs.error && <p class="banner error" role="alert">{jobs.error}</p>}
      {jobs.data && jobs.data.jobs.length === 0 && (
        <p class="muted">No {status} jobs{kind ? ` of ${kind}` : ""}.</p>
      )}
      <ul class="admin-list" data-testid="job-list">
        {jobs.data?.jobs.map((job) => (
          <li key={job.id} class="card admin-item" data-job-id={job.id}>
            <div class="admin-item-head">
              <strong class="admin-item-title">{job.kind}</strong>
              <span class={`badge ${tone[job.status] ?? ""}`}>{job.status}</span>
            </div>
            <p class="muted admin-meta">
              <code>{job.id}</code> · attempt {job.attempts}/{job.maxAttempts} · updated {ago(job.updatedAt)}
              {job.status === "running" && ` · ${job.progress}% ${job.step ?? ""}`}
            </p>
            {job.error && <p class="admin-error">{job.error}</p>}
            <details>
              <summary>Input</summary>
              <pre>{JSON.stringify(job.input, null, 2)}</pre>
            </details>
            <div class="row">
              {job.status === "failed" && (
                <button
                  class="button small"
                  type="button"
                  onClick={() => act(job, "retry")}
                >
                  Retry
                </button>
              )}
              {(job.status === "queued" || job.status === "running") && (
                <button
                  class="button secondary small"
                  type="button"
                  onClick={() => act(job, "cancel")}
                >
                  Cancel
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
