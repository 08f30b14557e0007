/**
 * How a batch's state reads to a person (batch page, admin console): "DONE" with failures says so.
 * No imports, so islands can use it without pulling in the module.
 */
export interface BatchProgress {
  status: string;
  progress: { tasks_total: number; tasks_completed: number; tasks_failed: number };
}

export function batchStatusText({ status, progress }: BatchProgress): string {
  const { tasks_total, tasks_completed, tasks_failed } = progress;
  if (status === "DONE") {
    if (tasks_total === 0) return "done, no TIFF files to convert";
    return tasks_failed === 0
      ? `done, all ${tasks_total} converted`
      : `done, ${tasks_failed} of ${tasks_total} failed`;
  }
  if (status === "ERROR") {
    return tasks_total > 0 ? `error, ${tasks_completed} of ${tasks_total} converted` : "error";
  }
  return `converting, ${tasks_completed + tasks_failed} of ${tasks_total} finished`;
}

/** The badge colour of a batch state. */
export function batchTone({ status, progress }: BatchProgress): "ok" | "warn" | "error" | "" {
  if (status === "ERROR") return "error";
  if (status === "DONE") return progress.tasks_failed > 0 ? "warn" : "ok";
  return "";
}
