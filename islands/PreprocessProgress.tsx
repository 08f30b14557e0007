import { useEffect, useState } from "preact/hooks";
import { batchStatusText, batchTone } from "../lib/preprocess/client.ts";

interface Output {
  key: string;
  file_name: string;
  page: number;
}
interface Task {
  task_id: string;
  file_name: string;
  status: string;
  attempts: number;
  error: string | null;
  outputs: Output[];
}
interface Status {
  batch_id: string;
  status: string;
  progress: { tasks_total: number; tasks_completed: number; tasks_failed: number };
  error: string | null;
  tasks?: Task[];
}

const terminal = new Set(["DONE", "ERROR"]);

/** Batch progress and thumbnails; follows the SSE stream and refetches task detail as it moves. */
export default function PreprocessProgress({ initial, token }: { initial: Status; token: string }) {
  const [status, setStatus] = useState<Status>(initial);
  const [tasks, setTasks] = useState<Task[]>(initial.tasks ?? []);
  const id = encodeURIComponent(initial.batch_id);
  const query = `token=${encodeURIComponent(token)}`;

  useEffect(() => {
    if (terminal.has(initial.status)) return;
    let refreshing = false;
    let again = false;
    const refresh = async () => {
      if (refreshing) return void (again = true);
      refreshing = true;
      try {
        const response = await fetch(`/preprocess/status/${id}?detail=1&${query}`);
        if (response.ok) setTasks(((await response.json()) as Status).tasks ?? []);
      } finally {
        refreshing = false;
        if (again) {
          again = false;
          refresh();
        }
      }
    };
    const source = new EventSource(`/preprocess/events/${id}?${query}`);
    const onStatus = (event: Event) => {
      const next = JSON.parse((event as MessageEvent).data) as Status;
      setStatus(next);
      refresh();
      if (terminal.has(next.status)) source.close();
    };
    source.addEventListener("status", onStatus);
    source.addEventListener("snapshot", onStatus);
    return () => source.close();
  }, [id]);

  const { tasks_total, tasks_completed, tasks_failed } = status.progress;
  const finished = tasks_completed + tasks_failed;
  return (
    <section class="stack preprocess-progress" aria-live="polite" data-testid="preprocess-progress">
      <div class="card stack">
        <div class="row">
          <span class={`badge ${batchTone(status)}`} data-testid="batch-status">{status.status}</span>
          <strong data-testid="batch-summary">{batchStatusText(status)}</strong>
          <span class="muted" data-testid="batch-counts">
            {tasks_completed} converted, {tasks_failed} failed, {tasks_total} TIFF files
          </span>
        </div>
        <progress max={Math.max(1, tasks_total)} value={finished} aria-label="Batch progress" />
        {status.error && <p class="banner error" role="alert">{status.error}</p>}
      </div>
      <ul class="preprocess-thumbnails" data-testid="thumbnails">
        {tasks.map((task) => (
          <li key={task.task_id} class="card preprocess-thumbnail">
            {task.status === "completed" && task.outputs[0]
              ? (
                <img
                  src={`/preprocess/thumbnail/${id}/${encodeURIComponent(task.task_id)}/1?${query}`}
                  alt={`First page of ${task.file_name}`}
                  loading="lazy"
                />
              )
              : <div class={`preprocess-placeholder ${task.status}`}>{task.status}</div>}
            <span class="preprocess-name">{task.file_name}</span>
            {task.outputs.length > 1 && <span class="muted">{task.outputs.length} pages</span>}
            {task.error && task.status === "failed" && (
              <span class="muted preprocess-error">{task.error}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
