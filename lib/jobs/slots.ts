/**
 * Per-key concurrency slots: one version-checked record per key listing the jobs holding it, and
 * (mode "queue") the jobs waiting for it, so a release can wake the next one instead of leaving
 * it to its periodic re-check. Acquire and release always ride in the atomic of the job transition
 * they belong to, so a slot can never be held by a job that is not in the matching state.
 */
import type { EngineContext } from "./context.ts";
import { isTerminal, stageWake, type Tx } from "./transition.ts";
import { jobKeys } from "./keys.ts";
import type { ConcurrencyLimit, JobRecord } from "./types.ts";

export interface SlotValue {
  holders: string[];
  waiting?: string[];
}

export interface Slot {
  key: Deno.KvKey;
  versionstamp: string | null;
  value: SlotValue;
}

export async function readSlot(ctx: EngineContext, limitKey: string): Promise<Slot> {
  const key = jobKeys.slot(limitKey);
  const entry = await ctx.kv.get<SlotValue>(key);
  return { key, versionstamp: entry.versionstamp, value: entry.value ?? { holders: [] } };
}

/** Adds the slot's version check and its new value to the transaction (deleting it when empty). */
export function stageSlot(tx: Tx, slot: Slot, value: SlotValue): void {
  tx.op.check({ key: slot.key, versionstamp: slot.versionstamp });
  const waiting = value.waiting?.length ? value.waiting : undefined;
  if (value.holders.length === 0 && !waiting) tx.op.delete(slot.key);
  else tx.op.set(slot.key, waiting ? { holders: value.holders, waiting } : { holders: value.holders });
}

export function slotMode(limit: ConcurrencyLimit): "queue" | "reject" {
  return limit.mode ?? "queue";
}

/** True when `id` holds the slot or one is free. */
export function hasRoom(slot: Slot, id: string, limit: number): boolean {
  return slot.value.holders.includes(id) || slot.value.holders.length < limit;
}

/** The slot value with `id` holding it (and no longer waiting). */
export function withHolder(value: SlotValue, id: string): SlotValue {
  return {
    holders: value.holders.includes(id) ? value.holders : [...value.holders, id],
    waiting: value.waiting?.filter((w) => w !== id),
  };
}

export function withWaiter(value: SlotValue, id: string): SlotValue {
  const waiting = value.waiting ?? [];
  return { holders: value.holders, waiting: waiting.includes(id) ? waiting : [...waiting, id] };
}

/**
 * Stages the release of whatever `record` holds or waits for, and wakes the first waiter when a
 * place was freed. A no-op (no read) for jobs without a limit.
 */
export async function stageRelease(ctx: EngineContext, tx: Tx, record: JobRecord): Promise<void> {
  if (!record.concurrency) return;
  const slot = await readSlot(ctx, record.concurrency.key);
  const held = slot.value.holders.includes(record.id);
  const waited = slot.value.waiting?.includes(record.id) ?? false;
  if (!held && !waited) return;
  const holders = slot.value.holders.filter((h) => h !== record.id);
  const waiting = (slot.value.waiting ?? []).filter((w) => w !== record.id);
  stageSlot(tx, slot, { holders, waiting });
  if (held && waiting.length > 0) stageWake(ctx, tx, waiting[0], 0);
}

/**
 * Drops holders whose job can no longer hold the slot (gone, terminal, or — in "queue" mode — not
 * running). Only called when a slot looks full, so the extra reads stay off the hot path; it is a
 * safety net, since every transition already releases in its own atomic.
 */
export async function pruneSlot(ctx: EngineContext, slot: Slot): Promise<Slot> {
  const holders = slot.value.holders;
  const stale = new Set<string>();
  for (let i = 0; i < holders.length; i += 10) {
    const chunk = holders.slice(i, i + 10);
    const entries = await ctx.kv.getMany<JobRecord[]>(chunk.map((id) => jobKeys.job(id)));
    entries.forEach((entry, j) => {
      const record = entry.value;
      const valid = record !== null && !isTerminal(record.status) &&
        (record.concurrency === undefined || slotMode(record.concurrency) === "reject" ||
          record.status === "running");
      if (!valid) stale.add(chunk[j]);
    });
  }
  if (stale.size === 0) return slot;
  return { ...slot, value: { ...slot.value, holders: holders.filter((h) => !stale.has(h)) } };
}
