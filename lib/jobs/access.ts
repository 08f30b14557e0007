/**
 * Who may see or cancel a job through the generic job routes. A job without an owner is readable
 * by whoever holds its unguessable id (the id is the capability); an owned job only by its owner
 * or an admin. An inaccessible job looks exactly like a missing one, so ids cannot be probed.
 */
import { KilnError } from "../errors.ts";
import type { Principal } from "../http/auth.ts";
import type { JobEngine, JobRecord } from "./types.ts";

export function mayAccessJob(job: JobRecord, principal: Principal | undefined): boolean {
  if (!job.owner) return true;
  if (!principal) return false;
  return principal.kind === "admin" || `${principal.kind}:${principal.id}` === job.owner;
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
