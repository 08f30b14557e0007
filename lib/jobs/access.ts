/**
 * Who may see or cancel a job through the generic job routes: admins; the job's owner, when it has
 * one; and — for kinds that opt in with `access: "id"` (the home page's demo job) — whoever holds
 * its unguessable id. A module's jobs (a metered transcription, a conversion) are served only by
 * that module's own authorised routes. An inaccessible job looks exactly like a missing one, so ids
 * cannot be probed.
 */
import { KilnError } from "../errors.ts";
import type { Principal } from "../http/auth.ts";
import type { JobEngine, JobRecord } from "./types.ts";

export function mayAccessJob(job: JobRecord, principal: Principal | undefined): boolean {
  if (principal?.kind === "admin") return true;
  if (job.owner) return principal !== undefined && `${principal.kind}:${principal.id}` === job.owner;
  return job.access === "id";
}

export async function accessibleJob(
  jobs: JobEngine,
  id: string,
  principal: Principal | undefined,
): Promise<JobRecord> {
  const job = await jobs.get(id);
  if (!job || !mayAccessJob(job, principal)) {
    throw new KilnError("not_found", "job_not_found", "No job with this id.");
  }
  return job;
}
