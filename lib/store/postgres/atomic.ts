/**
 * `Deno.AtomicOperation` for the PostgreSQL store: collects checks, mutations and queue messages,
 * and hands the encoded plan to `commit` (commit_batch.ts, which commits it with others in one call).
 */
import { encodeKey } from "../key_codec.ts";
import { encodeU64, encodeValue } from "./value_codec.ts";

export interface CommitPlan {
  checks: Array<{ key: Uint8Array; version: string | null }>;
  mutations: Array<
    {
      kind: "set" | "delete" | "sum" | "min" | "max";
      key: Uint8Array;
      value: Uint8Array | null;
      expireMs: number | null;
    }
  >;
  messages: Array<{ payload: string; delayMs: number }>;
}

export type Commit = (plan: CommitPlan) => Promise<Deno.KvCommitResult | Deno.KvCommitError>;

export function createAtomicOperation(commit: Commit): Deno.AtomicOperation {
  const plan: CommitPlan = { checks: [], mutations: [], messages: [] };
  /** Values are encoded at commit, so a bad one rejects `commit()` like Deno KV does. */
  const values = new Map<number, unknown>();
  const u64 = (kind: "sum" | "min" | "max", key: Deno.KvKey, value: bigint) =>
    plan.mutations.push({
      kind,
      key: encodeKey(key),
      value: encodeU64(BigInt.asUintN(64, value)),
      expireMs: null,
    });

  const operation = {
    check(...checks: Deno.AtomicCheck[]) {
      for (const check of checks) {
        plan.checks.push({ key: encodeKey(check.key), version: check.versionstamp });
      }
      return operation;
    },
    mutate(...mutations: Deno.KvMutation[]) {
      for (const mutation of mutations) {
        if (mutation.type === "set") {
          operation.set(mutation.key, mutation.value, { expireIn: mutation.expireIn });
        } else if (mutation.type === "delete") operation.delete(mutation.key);
        else u64(mutation.type, mutation.key, mutation.value.value);
      }
      return operation;
    },
    sum: (key: Deno.KvKey, n: bigint) => (u64("sum", key, n), operation),
    min: (key: Deno.KvKey, n: bigint) => (u64("min", key, n), operation),
    max: (key: Deno.KvKey, n: bigint) => (u64("max", key, n), operation),
    set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }) {
      const expireMs = options?.expireIn === undefined ? null : Math.max(0, Math.round(options.expireIn));
      values.set(plan.mutations.length, value);
      plan.mutations.push({ kind: "set", key: encodeKey(key), value: null, expireMs });
      return operation;
    },
    delete(key: Deno.KvKey) {
      plan.mutations.push({ kind: "delete", key: encodeKey(key), value: null, expireMs: null });
      return operation;
    },
    enqueue(value: unknown, options?: { delay?: number }) {
      const payload = JSON.stringify(value);
      if (payload === undefined) throw new TypeError("queue messages must be JSON values");
      plan.messages.push({ payload, delayMs: Math.max(0, Math.round(options?.delay ?? 0)) });
      return operation;
    },
    async commit() {
      for (const [index, value] of values) plan.mutations[index].value = encodeValue(value);
      return await commit(plan);
    },
  };
  return operation as unknown as Deno.AtomicOperation;
}
