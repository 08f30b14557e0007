/**
 * Group commit: the atomic operations an instance commits at the same time share one
 * `kv_commit_batch` call (schema.ts) — one round trip, one transaction, one statement per kind of
 * change instead of one per row, one Graphile `add_jobs` for all their queue messages. A batch only
 * holds plans with no key in common, so committing them together is the same as committing them one
 * after another; a plan that shares a key with the batch is sent by itself at once (queued behind
 * it, an optimistic commit on a hot key would only go stale). Each plan still succeeds or fails on
 * its own checks, and a plan the database rejects (a sum on a non-U64 value) is found by
 * re-running the batch's plans one by one, so it fails alone.
 */
import pg from "pg";
import { createBatcher, type Pending } from "../batcher.ts";
import type { CommitPlan } from "./atomic.ts";
import type { SchemaNames } from "./schema.ts";
import { toHex } from "../../hmac.ts";

type CommitResult = Deno.KvCommitResult | Deno.KvCommitError;

interface PreparedPlan {
  plan: CommitPlan;
  checkVersions: (string | null)[];
  /** Hex of every key the plan checks or writes: plans in one batch share none. */
  keys: Set<string>;
  /** Hex of the keys it writes, for NOTIFY and the local watchers. */
  written: string[];
  bytes: number;
}

const maxBatchPlans = 100;
const maxBatchBytes = 2 * 1024 * 1024;
/** NOTIFY payloads must stay under 8,000 bytes; the version and a space go in front. */
const maxNotifyKeysLength = 7_900 - 21;

export function createCommitter(
  pool: pg.Pool,
  names: SchemaNames,
  options: { maxInFlight: number; onCommitted(writtenHexKeys: string[]): void },
): (plan: CommitPlan) => Promise<CommitResult> {
  const statement = `SELECT ${names.schema}.kv_commit_batch(
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::json[], $12, $13) AS versions`;

  const commitBatch = async (batch: Pending<PreparedPlan, CommitResult>[]): Promise<void> => {
    let versions: (string | null)[];
    try {
      versions = await query(batch.map((pending) => pending.item));
    } catch (error) {
      // The database refused the statement, so nothing of it was committed: find the culprit.
      // (A lost connection is not retried: the batch may have committed.)
      if (batch.length === 1 || !(error instanceof pg.DatabaseError)) throw error;
      await Promise.all(batch.map((pending) => commitBatch([pending]).catch(pending.reject)));
      return;
    }
    const written: string[] = [];
    batch.forEach((pending, i) => {
      const version = versions[i];
      if (version === null) return pending.resolve({ ok: false });
      written.push(...pending.item.written);
      pending.resolve({ ok: true, versionstamp: formatVersion(version) });
    });
    if (written.length > 0) options.onCommitted(written);
  };

  const query = async (plans: PreparedPlan[]): Promise<(string | null)[]> => {
    const checkPlans: number[] = [], checkKeys: Uint8Array[] = [], checkVersions: (string | null)[] = [];
    const mutationPlans: number[] = [], kinds: string[] = [], mutationKeys: Uint8Array[] = [];
    const values: (Uint8Array | null)[] = [], expireMs: (number | null)[] = [];
    const queuePlans: number[] = [], payloads: string[] = [], delaysMs: number[] = [];
    const written = new Set<string>();
    plans.forEach(({ plan, checkVersions: versions, written: keys }, i) => {
      const number = i + 1;
      plan.checks.forEach((check, j) => {
        checkPlans.push(number);
        checkKeys.push(check.key);
        checkVersions.push(versions[j]);
      });
      for (const mutation of plan.mutations) {
        mutationPlans.push(number);
        kinds.push(mutation.kind);
        mutationKeys.push(mutation.key);
        values.push(mutation.value);
        expireMs.push(mutation.expireMs);
      }
      for (const message of plan.messages) {
        queuePlans.push(number);
        payloads.push(message.payload);
        delaysMs.push(message.delayMs);
      }
      for (const key of keys) written.add(key);
    });
    const { rows } = await pool.query<{ versions: (string | null)[] }>({
      name: `${names.schema}.kv_commit_batch`,
      text: statement,
      values: [
        plans.length,
        checkPlans,
        checkKeys,
        checkVersions,
        mutationPlans,
        kinds,
        mutationKeys,
        values,
        expireMs,
        queuePlans,
        payloads,
        delaysMs,
        notifyPayloads(written),
      ],
    });
    return rows[0].versions;
  };

  const submit = createBatcher<PreparedPlan, CommitResult>({
    maxInFlight: options.maxInFlight,
    admit() {
      const keys = new Set<string>();
      let plans = 0, bytes = 0;
      return (prepared) => {
        if (plans >= maxBatchPlans || bytes + prepared.bytes > maxBatchBytes) return "later";
        for (const key of prepared.keys) if (keys.has(key)) return "alone";
        for (const key of prepared.keys) keys.add(key);
        plans++;
        bytes += prepared.bytes;
        return true;
      };
    },
    run: commitBatch,
  });

  return (plan) => {
    const checkVersions = plan.checks.map((check) => parseVersion(check.version));
    if (checkVersions.includes(undefined)) return Promise.resolve({ ok: false });
    return submit(prepare(plan, checkVersions as (string | null)[]));
  };
}

/**
 * Keeps, per key, the last set or delete and the sum/min/max after it — what applying the
 * mutations in order leaves — so the database can apply deletes, sets and sums as three steps.
 */
function prepare(plan: CommitPlan, checkVersions: (string | null)[]): PreparedPlan {
  const keys = new Set(plan.checks.map((check) => toHex(check.key)));
  const overwritten = new Set<string>();
  const mutations: CommitPlan["mutations"] = [];
  const written = new Set<string>();
  let bytes = plan.messages.reduce((sum, message) => sum + message.payload.length, 0);
  for (let i = plan.mutations.length - 1; i >= 0; i--) {
    const mutation = plan.mutations[i];
    const hex = toHex(mutation.key);
    if (overwritten.has(hex)) continue;
    if (mutation.kind === "set" || mutation.kind === "delete") overwritten.add(hex);
    written.add(hex);
    keys.add(hex);
    mutations.push(mutation);
    bytes += mutation.key.length + (mutation.value?.length ?? 0);
  }
  mutations.reverse();
  return { plan: { ...plan, mutations }, checkVersions, keys, written: [...written], bytes };
}

function notifyPayloads(hexKeys: Set<string>): string[] {
  const payloads: string[] = [];
  let current = "";
  for (const key of hexKeys) {
    if (current && current.length + 1 + key.length > maxNotifyKeysLength) {
      payloads.push(current);
      current = "";
    }
    current = current ? `${current},${key}` : key;
  }
  if (current) payloads.push(current);
  return payloads;
}

/** Versionstamps look like Deno KV's: 20 hex digits, ordered as strings. */
export function formatVersion(version: string): string {
  return BigInt(version).toString(16).padStart(20, "0");
}

/** A check against a versionstamp this store never issued can only fail (undefined). */
function parseVersion(versionstamp: string | null): string | null | undefined {
  if (versionstamp === null) return null;
  if (!/^[0-9a-f]{20}$/.test(versionstamp)) return undefined;
  const version = BigInt(`0x${versionstamp}`);
  return version < 2n ** 63n ? version.toString() : undefined;
}
