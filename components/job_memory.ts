/**
 * Browser-side memory of submitted jobs (doc-to-video, transcription studio): each id is kept in
 * localStorage with what the page needs to list it again, so a reload or a tab closed by mistake
 * can resume unfinished jobs and show recent results. Entries older than the server keeps the job
 * are pruned.
 */
export interface RememberedJob {
  id: string;
  createdAt: number;
  status: string;
}

export interface JobMemoryOptions {
  storageKey: string;
  /** How long the server keeps a job (and so an entry is worth listing). */
  keepMs: number;
  /** How long an unfinished job is offered for resuming. */
  resumeWindowMs: number;
  maxEntries: number;
  /** Job states that are final. */
  terminal: Set<string>;
}

export function createJobMemory<Job extends RememberedJob>(options: JobMemoryOptions) {
  const load = (now = Date.now()): Job[] => {
    try {
      const parsed = JSON.parse(localStorage.getItem(options.storageKey) ?? "[]");
      if (!Array.isArray(parsed)) return [];
      return parsed
        .filter((job): job is Job => typeof job?.id === "string" && typeof job?.createdAt === "number")
        .filter((job) => now - job.createdAt < options.keepMs)
        .slice(0, options.maxEntries);
    } catch {
      return [];
    }
  };
  const save = (jobs: Job[]): Job[] => {
    const kept = jobs.slice(0, options.maxEntries);
    try {
      localStorage.setItem(options.storageKey, JSON.stringify(kept));
    } catch {
      // Private mode or a full quota: the memory is a convenience, the job itself is on the server.
    }
    return kept;
  };
  return {
    load,
    remember: (job: Job): Job[] => save([job, ...load().filter((other) => other.id !== job.id)]),
    update: (id: string, changes: Partial<Job>): Job[] =>
      save(load().map((job) => job.id === id ? { ...job, ...changes } : job)),
    forget: (id: string): Job[] => save(load().filter((job) => job.id !== id)),
    /** Unfinished jobs started within the resume window: the ones to offer again. */
    resumable: (jobs: Job[], now = Date.now()): Job[] =>
      jobs.filter((job) => !options.terminal.has(job.status) && now - job.createdAt < options.resumeWindowMs),
  };
}
