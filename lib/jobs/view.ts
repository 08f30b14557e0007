/**
 * What a job looks like from outside: the live topic and the generic status routes show this view,
 * never the input, result, owner or lease internals (inputs may hold personal data; results are
 * served by each domain's own authorised route).
 */
import type { JobRecord, JobStatus } from "./types.ts";

export interface PublicJobView {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  step?: string;
  attempts: number;
  maxAttempts: number;
  error?: string;
  /** The error's stable code, e.g. `process_crashed` for a job quarantined after its process died. */
  errorCode?: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
  runAt: number;
}

export function publicJobView(record: JobRecord): PublicJobView {
  const view: PublicJobView = {
    id: record.id,
    kind: record.kind,
    status: record.status,
    progress: record.progress,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    runAt: record.runAt,
  };
  if (record.step !== undefined) view.step = record.step;
  if (record.error) view.error = record.error.message;
  if (record.error?.code) view.errorCode = record.error.code;
  if (record.startedAt !== undefined) view.startedAt = record.startedAt;
  if (record.finishedAt !== undefined) view.finishedAt = record.finishedAt;
  return view;
}
