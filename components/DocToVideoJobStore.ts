/**
 * Browser-side job recovery: every submitted job id is kept in localStorage with its file name and
 * last known status, so a reload (or a tab closed by mistake) can offer to resume unfinished jobs
 * younger than 30 minutes. Entries older than the server's retention are pruned.
 */
export interface StoredJob {
  id: string;
  fileName: string;
  createdAt: number;
  status: string;
}

const storageKey = "kiln.docToVideo.jobs";
const resumeWindowMs = 30 * 60 * 1000;
/** Server keeps finished jobs 30 min; an unfinished one may run a few more minutes before that. */
const keepMs = 60 * 60 * 1000;
const maxEntries = 8;
export const terminalStatuses = new Set(["succeeded", "failed", "cancelled"]);

export function loadJobs(now = Date.now()): StoredJob[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(storageKey) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((job): job is StoredJob => typeof job?.id === "string" && typeof job?.createdAt === "number")
      .filter((job) => now - job.createdAt < keepMs)
      .slice(0, maxEntries);
  } catch {
    return [];
  }
}

function save(jobs: StoredJob[]): StoredJob[] {
  const kept = jobs.slice(0, maxEntries);
  try {
    localStorage.setItem(storageKey, JSON.stringify(kept));
  } catch {
    // Private mode or a full quota: recovery is a convenience, the job itself is on the server.
  }
  return kept;
}

export function rememberJob(job: StoredJob): StoredJob[] {
  return save([job, ...loadJobs().filter((other) => other.id !== job.id)]);
}

export function updateStoredStatus(id: string, status: string): StoredJob[] {
  return save(loadJobs().map((job) => job.id === id ? { ...job, status } : job));
}

export function forgetJob(id: string): StoredJob[] {
  return save(loadJobs().filter((job) => job.id !== id));
}

/** Unfinished jobs started less than 30 minutes ago: the ones the resume banner offers. */
export function resumable(jobs: StoredJob[], now = Date.now()): StoredJob[] {
  return jobs.filter((job) => !terminalStatuses.has(job.status) && now - job.createdAt < resumeWindowMs);
}
