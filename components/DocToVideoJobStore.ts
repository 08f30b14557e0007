/**
 * Doc-to-video's job recovery (components/job_memory.ts): every submitted job id is kept with its
 * file name and last known status, so a reload can offer to resume unfinished jobs younger than 30
 * minutes. The server keeps finished jobs 30 minutes; an unfinished one may run a few more.
 */
import { createJobMemory } from "./job_memory.ts";

export interface StoredJob {
  id: string;
  fileName: string;
  createdAt: number;
  status: string;
}

export const terminalStatuses = new Set(["succeeded", "failed", "cancelled"]);

const memory = createJobMemory<StoredJob>({
  storageKey: "kiln.docToVideo.jobs",
  keepMs: 60 * 60 * 1000,
  resumeWindowMs: 30 * 60 * 1000,
  maxEntries: 8,
  terminal: terminalStatuses,
});

export const loadJobs = memory.load;
export const rememberJob = memory.remember;
export const forgetJob = memory.forget;
export const resumable = memory.resumable;
export const updateStoredStatus = (id: string, status: string) => memory.update(id, { status });
