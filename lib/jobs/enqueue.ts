/**
 * Accepting a job: validate, then one atomic that writes the record, its pending index, the
 * idempotency key (`check(null)`: of two concurrent duplicates exactly one commits) and, in
 * "reject" mode, the concurrency slot — plus the queue wake-up when the queue can stage it.
 */
import { z } from "zod";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import { defaultBackoff } from "./backoff.ts";
import type { EngineContext } from "./context.ts";
import { jobKeys } from "./keys.ts";
import { hasRoom, pruneSlot, readSlot, slotMode, stageSlot, withHolder } from "./slots.ts";
import { isExpired, stageWake, stageWrite, transactJob } from "./transition.ts";
import type { EnqueueOptions, JobRecord } from "./types.ts";

const defaultMaxAttempts = 3;
const defaultTtlMs = 24 * 60 * 60 * 1000;
/** Inputs live in the record (≤ 64 KiB in KV); bigger payloads belong in the blob store. */
const maxInputBytes = 48 * 1024;

const backoffSchema = z.union([
  z.object({
    type: z.literal("exponential"),
    baseMs: z.number().min(0),
    maxMs: z.number().min(0).optional(),
  }),
  z.object({ type: z.literal("fixed"), delaysMs: z.array(z.number().min(0)).min(1).max(100) }),
]);

const optionsSchema = z.object({
  idempotencyKey: z.string().min(1).max(512).optional(),
  delay: z.number().min(0).max(365 * 24 * 60 * 60 * 1000).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  backoff: backoffSchema.optional(),
  ttl: z.number().min(1).optional(),
  concurrency: z.object({
    key: z.string().min(1).max(512),
    limit: z.number().int().min(1).max(1000),
    mode: z.enum(["queue", "reject"]).optional(),
  }).optional(),
  owner: z.string().min(1).max(256).optional(),
  access: z.literal("id").optional(),
});

export async function enqueueJob<Input>(
  ctx: EngineContext,
  kind: string,
  input: Input,
  given: EnqueueOptions = {},
): Promise<JobRecord<Input>> {
  const definition = ctx.definitions.get(kind);
  if (!definition) throw new KilnError("invalid", "unknown_job_kind", `Unknown job kind "${kind}".`);
  const parsedInput = definition.schema.safeParse(input);
  if (!parsedInput.success) {
    throw new KilnError("invalid", "invalid_job_input", `Invalid input for job "${kind}".`, {
      details: { issues: parsedInput.error.issues },
    });
  }
  const parsedOptions = optionsSchema.safeParse({ ...definition.defaults, ...given });
  if (!parsedOptions.success) {
    throw new KilnError("invalid", "invalid_job_options", `Invalid options for job "${kind}".`, {
      details: { issues: parsedOptions.error.issues },
    });
  }
  const options = parsedOptions.data;
  const encoded = JSON.stringify(parsedInput.data ?? null);
  if (new TextEncoder().encode(encoded).length > maxInputBytes) {
    throw new KilnError(
      "too_large",
      "job_input_too_large",
      "Job input is too large; store big payloads as blobs.",
    );
  }

  const idemKey = options.idempotencyKey ? jobKeys.idempotency(kind, options.idempotencyKey) : null;
  // A duplicate that loses the race re-reads; each lost round means another enqueue committed.
  const outcome = await transactJob(ctx, { name: "jobs.enqueue", maxAttempts: 100 }, async (tx) => {
    let idemVersion: string | null = null;
    if (idemKey) {
      const existing = await ctx.kv.get<string>(idemKey);
      if (existing.value !== null) {
        const record = await ctx.kv.get<JobRecord<Input>>(jobKeys.job(existing.value));
        if (record.value && !isExpired(record.value, ctx.now())) {
          return { record: record.value, created: false };
        }
        idemVersion = existing.versionstamp; // points at an expired job: take the key over
      }
    }

    const now = ctx.now();
    const delay = options.delay ?? 0;
    const record: JobRecord<Input> = {
      id: randomId(),
      kind,
      input: parsedInput.data as Input,
      status: "queued",
      attempts: 0,
      maxAttempts: options.maxAttempts ?? defaultMaxAttempts,
      backoff: options.backoff ?? defaultBackoff,
      progress: 0,
      createdAt: now,
      updatedAt: now,
      runAt: now + delay,
      ttlMs: options.ttl ?? defaultTtlMs,
      revision: 1,
    };
    if (options.idempotencyKey) record.idempotencyKey = options.idempotencyKey;
    if (options.concurrency) record.concurrency = options.concurrency;
    if (options.owner) record.owner = options.owner;
    if (options.access) record.access = options.access;

    if (idemKey) tx.op.check({ key: idemKey, versionstamp: idemVersion }).set(idemKey, record.id);
    if (options.concurrency && slotMode(options.concurrency) === "reject") {
      let slot = await readSlot(ctx, options.concurrency.key);
      if (!hasRoom(slot, record.id, options.concurrency.limit)) slot = await pruneSlot(ctx, slot);
      if (!hasRoom(slot, record.id, options.concurrency.limit)) {
        throw new KilnError(
          "rate_limited",
          "concurrency_limit",
          "Too many jobs running for this key; try again later.",
          {
            retryAfterSeconds: 5,
            details: { limit: options.concurrency.limit },
          },
        );
      }
      stageSlot(tx, slot, withHolder(slot.value, record.id));
    }
    stageWrite(ctx, tx, null, record);
    stageWake(ctx, tx, record.id, delay);
    given.stage?.(tx.op, record);
    return { record, created: true };
  });
  if (outcome.created) {
    ctx.log.info("job_enqueued", { jobId: outcome.record.id, kind, delayMs: options.delay ?? 0 });
  }
  return outcome.record;
}
