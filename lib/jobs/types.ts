/**
 * The job engine's public contract. Durable state lives in ordinary KV records (status, attempts,
 * lease); the queue is only the fast wake-up, and a periodic sweep recovers lost messages and dead
 * workers. That is what lets an accepted job finish after `kill -9` and what lets a queue backend
 * without KV queues (remote KV, PostgreSQL) slot in behind `JobQueue`.
 */
import type { z } from "zod";
import type { Logger } from "../log.ts";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export type Backoff =
  /** delay = min(maxMs, baseMs * 2^(attempt-1)), ± up to 20 % CSPRNG jitter. */
  | { type: "exponential"; baseMs: number; maxMs?: number }
  /** delay for retry n is delaysMs[n-1] (the last entry repeats). */
  | { type: "fixed"; delaysMs: number[] };

export interface ConcurrencyLimit {
  /** Jobs sharing a key share the limit, e.g. `ip:203.0.113.7`. */
  key: string;
  limit: number;
  /**
   * "queue" (default): the slot is held while the job runs; extra jobs wait queued.
   * "reject": the slot is held from enqueue until the job is terminal; enqueue beyond the limit
   * throws KilnError("rate_limited", "concurrency_limit") so an API can answer 429 at once.
   */
  mode?: "queue" | "reject";
}

export interface EnqueueOptions {
  /** Same kind + key returns the existing job instead of creating one (until that job expires). */
  idempotencyKey?: string;
  /** Milliseconds to wait before the first attempt. */
  delay?: number;
  /** Default 3. */
  maxAttempts?: number;
  /** Default exponential, base 1 s, max 5 min. */
  backoff?: Backoff;
  /** How long a finished (succeeded/cancelled) job is kept, ms. Default 24 h. Failed jobs are dead letters, kept 7 days. */
  ttl?: number;
  concurrency?: ConcurrencyLimit;
  /** Who may read the job through generic routes (e.g. "user:42"); admins may read all. */
  owner?: string;
  /**
   * "id": whoever holds the job's unguessable id may read and cancel it through the generic
   * `/api/jobs/:id` routes (the home page's demo job). Default: only its `owner` and admins — a
   * module's jobs are served by that module's own, authorised routes.
   */
  access?: "id";
  /**
   * The caller's own writes, added to the atomic that creates the job (so they exist exactly when
   * the job does, e.g. a record naming the job's files for a cleanup sweep). Not called when
   * `idempotencyKey` returns an existing job.
   */
  stage?: (operation: Deno.AtomicOperation, job: JobRecord) => void;
}

/** The stored job record. `revision` increases on every write and is the live-event seq. */
export interface JobRecord<Input = unknown, Result = unknown> {
  id: string;
  kind: string;
  input: Input;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  backoff: Backoff;
  /** 0–100 */
  progress: number;
  /** Human-readable step text, e.g. "Extracting text". */
  step?: string;
  result?: Result;
  error?: JobError;
  /** The error of the failed run an admin `retry()` started over from. */
  lastError?: JobError;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** When a queued job becomes due (epoch ms). */
  runAt: number;
  /** While running: the lease deadline and the worker that holds it. */
  leaseUntil?: number;
  leaseOwner?: string;
  ttlMs: number;
  /** When a terminal job stops being readable (expireIn is lazy; readers check this). */
  expiresAt?: number;
  idempotencyKey?: string;
  concurrency?: ConcurrencyLimit;
  /** Queued only because its "queue" concurrency slot was full; a freed slot may wake it early. */
  waitingForSlot?: boolean;
  owner?: string;
  access?: "id";
  /** Times a process died while running this job and it was run again (see `crashRetries`). */
  crashes?: number;
  revision: number;
}

export interface JobError {
  message: string;
  code?: string;
  attempt: number;
  at: number;
}

export interface JobContext<Input> {
  jobId: string;
  input: Input;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the job is cancelled, its lease is lost, or the engine shuts down. */
  signal: AbortSignal;
  log: Logger;
  /** Records progress (0–100) and optional step text; visible live on the job's topic. */
  progress(percent: number, step?: string): Promise<void>;
  /**
   * Runs `fn` once per job: its JSON result is stored, and a later attempt (retry or recovery after
   * a crash) gets the stored value instead of running it again. The tool for "exactly once in
   * effect" across restarts. Results must be JSON and < 60 KiB.
   */
  checkpoint<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export type JobHandler<Input, Result> = (context: JobContext<Input>) => Promise<Result>;

export interface JobDefinition<Input = unknown, Result = unknown> {
  kind: string;
  schema: z.ZodType<Input>;
  handler: JobHandler<Input, Result>;
  /** Defaults for enqueue options of this kind. */
  defaults?: Omit<EnqueueOptions, "idempotencyKey" | "delay" | "concurrency" | "owner">;
  hooks?: JobHooks<Input>;
}

/** What `define` takes besides the handler: defaults for enqueue options, and the kind's hooks. */
export type JobKindOptions<Input, Result> =
  & NonNullable<JobDefinition<Input, Result>["defaults"]>
  & JobHooks<Input>;

export interface JobHooks<Input> {
  /**
   * Called once when the engine itself fails a job whose handler got no chance to clean up: the
   * process running it died (`process_crashed`), or its worker was lost during the final attempt
   * (`worker_lost`). Modules settle their own records here (a task marked failed, a hold
   * released). Best effort: a throw is logged, and a crash right after the commit skips it.
   */
  onAbandoned?(job: JobRecord<Input>): Promise<void>;
}

/** Thrown by a handler to fail the job at once, without further retries. */
export class PermanentJobError extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = "PermanentJobError";
    this.code = code;
  }
}

/**
 * A permanent failure caused by what the caller sent (a corrupt upload, media without audio, a
 * scanned PDF): the job fails at once and the engine logs it as a warning, not an error — the
 * service worked, the input did not.
 */
export class InvalidInputJobError extends PermanentJobError {
  constructor(message: string, code?: string) {
    super(message, code);
    this.name = "InvalidInputJobError";
  }
}

/** The wake-up channel. KV queues by default; the message carries only the job id. */
export interface JobQueue {
  send(jobId: string, delayMs?: number): Promise<void>;
  /**
   * Optional: adds the wake-up to an atomic operation so it commits with the state change (KV
   * queues can: `op.enqueue`) and returns true; returns false (or is absent) when the wake-up is
   * better sent with `send` after the commit — e.g. an immediate job handed to this process's own
   * consumer. Either way the job's pending index lets the sweep recover a lost wake-up.
   */
  stage?(operation: Deno.AtomicOperation, jobId: string, delayMs?: number): boolean;
  /** Registers the single consumer. */
  listen(onJob: (jobId: string) => Promise<void>): void;
}

export interface JobCounts {
  queued: number;
  running: number;
  failed: number;
}

export interface JobEngine {
  define<Input, Result>(
    kind: string,
    schema: z.ZodType<Input>,
    handler: JobHandler<Input, Result>,
    options?: JobKindOptions<Input, Result>,
  ): void;
  /** Validates `input` with the kind's schema (KilnError "invalid" otherwise) and stores the job. */
  enqueue<Input>(kind: string, input: Input, options?: EnqueueOptions): Promise<JobRecord<Input>>;
  get(id: string): Promise<JobRecord | null>;
  /** Cancels a queued or running job; a no-op on terminal jobs. Returns the record after. */
  cancel(id: string, reason?: string): Promise<JobRecord | null>;
  /** Re-queues a failed (dead-letter) job with a fresh attempt budget. */
  retry(id: string): Promise<JobRecord>;
  /** Jobs in one status (default failed), optionally of one kind (lib/jobs/list.ts says in which order). */
  list(options?: { status?: JobStatus; kind?: string; limit?: number }): Promise<JobRecord[]>;
  /** Failed jobs, newest first (the dead-letter list). */
  listFailed(options?: { kind?: string; limit?: number }): Promise<JobRecord[]>;
  /** The job kinds defined in this process. */
  kinds(): string[];
  counts(): Promise<JobCounts>;
  /** The live topic carrying this job's snapshots (`type: "job"`, data = public view). */
  topic(id: string): string;
  /** Starts the queue consumer and the recovery sweep. */
  start(): void;
  /** Stops taking work; waits up to `graceMs` for running handlers, then aborts and releases them. */
  stop(graceMs?: number): Promise<void>;
}
