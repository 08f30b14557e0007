import { useState } from "preact/hooks";
import { adminApi, useLive } from "../components/admin/api.ts";
import { ago } from "../components/time.ts";
import { Notice, type NoticeState } from "../components/admin/Notice.tsx";
import { batchStatusText, batchTone } from "../lib/preprocess/client.ts";

interface Batch {
  batch_id: string;
  status: string;
  progress: { tasks_total: number; tasks_completed: number; tasks_failed: number };
  started_at: string;
  completed_at: string | null;
  error: string | null;
  page_url: string;
}

const terminal = new Set(["DONE", "ERROR"]);

/** Preprocessing batches, newest first, live while any runs; a running batch can be reset (stopped). */
export default function AdminBatches({ csrf }: { csrf: string }) {
  const api = adminApi(csrf);
  const [notice, setNotice] = useState<NoticeState>(null);
  const batches = useLive(() => api<{ items: Batch[] }>("/preprocess/batches?limit=500"), 3_000);
  const items = [...(batches.data?.items ?? [])].sort((a, b) => b.started_at.localeCompare(a.started_at));

  async function reset(batch: Batch) {
    if (!confirm(`Stop batch ${batch.batch_id} and mark it ERROR?`)) return;
    try {
      await api(`/preprocess/admin/reset/${encodeURIComponent(batch.batch_id)}`, { method: "POST" });
      setNotice({ tone: "ok", text: `Batch ${batch.batch_id} was reset.` });
    } catch (error) {
      setNotice({ tone: "error", text: error instanceof Error ? error.message : String(error) });
    }
    batches.refresh();
  }

  return (
    <section class="stack" data-testid="admin-batches">
      <p>
        <a class="button" href="/preprocess">Upload TIFFs as a new batch</a>
      </p>
      <Notice state={notice} />
      {batches.error && <p class="banner error" role="alert">{batches.error}</p>}
      {batches.data && items.length === 0 && <p class="muted">No batches yet.</p>}
      <ul class="admin-list">
        {items.map((batch) => {
          const { tasks_total, tasks_completed, tasks_failed } = batch.progress;
          return (
            <li key={batch.batch_id} class="card admin-item" data-batch-id={batch.batch_id}>
              <div class="admin-item-head">
                <a
                  class="admin-item-title"
                  href={new URL(batch.page_url).pathname + new URL(batch.page_url).search}
                >
                  {batch.batch_id}
                </a>
                <span class={`badge ${batchTone(batch)}`}>{batchStatusText(batch)}</span>
              </div>
              <progress
                max={Math.max(1, tasks_total)}
                value={tasks_completed + tasks_failed}
                aria-label={`${batch.batch_id} progress`}
              />
              <p class="muted admin-meta">
                started {ago(batch.started_at)}
                {batch.completed_at && ` · finished ${ago(batch.completed_at)}`}
              </p>
              {batch.error && <p class="admin-error">{batch.error}</p>}
              {!terminal.has(batch.status) && (
                <div class="row">
                  <button class="button secondary small" type="button" onClick={() => reset(batch)}>
                    Reset
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
