/**
 * Idempotency for POSTs that create or spend: the first request with an `Idempotency-Key` runs, its
 * response is kept for 24 h, and every repeat (a retry after a timeout, a double click, a concurrent
 * duplicate) gets that stored response instead of a second side effect. Framework free: the route
 * layer computes the scope, the key and the request fingerprint and turns the result into a Response.
 *
 * One record per (scope, key) at `["idempotency", scope, key]`, a small state machine:
 *
 *   (none) ──claim: check(versionstamp) ──▶ running ──status < 500──▶ done (expireIn ttl)
 *                                             └──── 5xx / 429 / throw ──▶ (none)   client may retry
 *
 * - Claiming is an atomic insert (`check` against the versionstamp read, `null` for "absent"), so of
 *   any number of concurrent duplicates exactly one executes.
 * - A duplicate that finds `running` waits for the record to change with `kv.watch` (no polling) for
 *   up to `waitMs`, then replays; if it is still running: 409 `idempotency_in_progress`.
 * - The same key with a different request (fingerprint) is a client bug: 422 `idempotency_key_reused`.
 * - **Stale limit.** The owner renews a heartbeat on its running record every `staleMs / 3` while
 *   `execute` runs. A running record whose heartbeat is older than `staleMs` (default 30 s = 3 ×
 *   waitMs) was left by a process that died; the next request takes it over with a version check.
 *   Because live owners keep beating, a slow handler is never taken over (which would repeat its side
 *   effect); only a dead one is, after at most `staleMs`.
 * - **Large responses.** A KV value holds 64 KiB. Responses whose serialised form fits in ~60 KiB are
 *   stored inline in the record; larger ones are split into 60 KiB chunks at
 *   `["idempotency", scope, key, runId, i]`, written first and made visible only by the commit that
 *   flips the record to `done` (checked against the owner's versionstamp), so a reader sees all of
 *   them or none. Above `maxResponseBytes` (default 4 MiB) the response is returned to the first
 *   caller but not kept: the record says so, and replays get 409 `idempotency_response_not_stored`
 *   — never a second execution.
 * - Expiry in KV is lazy, so readers also check `expiresAt` themselves.
 *
 * Scopes must name the principal (and the route), e.g. `user:42 POST /v1/vend-token`: records are
 * keyed by scope, so one principal's key can never reach another principal's response.
 */
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { sha256Hex } from "../hmac.ts";
import { randomId } from "../ids.ts";
import { createLogger, errorMessage, type Logger } from "../log.ts";

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** Body text (JSON). */
  body: string;
}

export interface IdempotencyResult {
  response: StoredResponse;
  /** True when `response` is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyStore {
  /**
   * Runs `execute` once per (scope, key) and returns its response to this and every later caller
   * with the same key. Throws KilnError 422 `idempotency_key_reused`, 409 `idempotency_in_progress`
   * (retryAfterSeconds 1) or 409 `idempotency_response_not_stored`; rethrows what `execute` throws.
   */
  run(
    scope: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<IdempotencyResult>;
}

export interface IdempotencyOptions {
  /** How long a finished response is replayed. Default 24 h. */
  ttlMs?: number;
  /** How long a duplicate waits for a running original. Default 10 s. */
  waitMs?: number;
  /** A running record without a heartbeat for this long is abandoned. Default 3 × waitMs (≥ 1 s). */
  staleMs?: number;
  /** Largest serialised response kept for replay. Default 4 MiB. */
  maxResponseBytes?: number;
  /**
   * Which statuses are kept. Default: everything below 500 except 408 and 429 (transient) and 401
   * and 403 (an answer about the credentials, not the request: it must never replay to a caller
   * who has the right ones, nor block them).
   */
  shouldStore?: (status: number) => boolean;
  /** Clock in ms since the epoch (tests inject one); the waiting timeout itself uses real time. */
  now?: () => number;
  logger?: Logger;
  /** Observes the store's decisions (metrics, tests). Must not throw. */
  onEvent?: (event: IdempotencyEvent) => void;
}

/**
 * `claimed`: this call executes; `takeover`: … after taking over an abandoned or expired record;
 * `waiting`: a duplicate starts waiting for a running original; `replayed`: a stored response was
 * returned; `in_progress`: gave up waiting (409).
 */
export type IdempotencyEvent = "claimed" | "takeover" | "waiting" | "replayed" | "in_progress";

interface RunningRecord {
  state: "running";
  fingerprint: string;
  runId: string;
  startedAt: number;
  heartbeatAt: number;
}

interface DoneRecord {
  state: "done";
  fingerprint: string;
  runId: string;
  completedAt: number;
  expiresAt: number;
  status: number;
  /** The response itself when it fits in the record. */
  response?: StoredResponse;
  /** Otherwise the number of chunks holding the UTF-8 JSON of the response … */
  chunks?: number;
  byteLength?: number;
  /** … or true when it was too large to keep. */
  notStored?: boolean;
}

type IdempotencyRecord = RunningRecord | DoneRecord;

const defaultTtlMs = 24 * 60 * 60 * 1000;
const defaultWaitMs = 10_000;
const chunkBytes = 60 * 1024;
/** Inline when the serialised response leaves room in one 64 KiB value for the record's own fields. */
const inlineMaxBytes = 60 * 1024;
/** Chunks per atomic write: 10 × 60 KiB stays under the 800 KiB atomic limit. */
const chunksPerCommit = 10;
/** getMany reads at most 10 keys. */
const chunksPerRead = 10;
/** Chunks outlive their record so a reader never finds a visible record without its chunks. */
const chunkExpiryMarginMs = 60_000;
const maxScopeLength = 1024;

export function createIdempotencyStore(kv: KvStore, options: IdempotencyOptions = {}): IdempotencyStore {
  const ttlMs = options.ttlMs ?? defaultTtlMs;
  const waitMs = options.waitMs ?? defaultWaitMs;
  const staleMs = options.staleMs ?? Math.max(1000, 3 * waitMs);
  const heartbeatMs = Math.max(1, Math.floor(staleMs / 3));
  const maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const shouldStore = options.shouldStore ??
    ((status: number) => status < 500 && ![401, 403, 408, 429].includes(status));
  const now = options.now ?? Date.now;
  const log = options.logger ?? createLogger();
  const emit = options.onEvent ?? (() => {});
  // Running records are judged by heartbeat; the KV expiry only cleans up after dead processes.
  const runningExpireMs = 4 * staleMs;

  const isLive = (record: IdempotencyRecord, at: number): boolean =>
    record.state === "running" ? at - record.heartbeatAt < staleMs : at < record.expiresAt;

  async function claim(
    recordKey: Deno.KvKey,
    entry: Deno.KvEntryMaybe<unknown>,
    previous: IdempotencyRecord | undefined,
    fingerprint: string,
  ): Promise<{ record: RunningRecord; versionstamp: string } | undefined> {
    const at = now();
    const record: RunningRecord = {
      state: "running",
      fingerprint,
      runId: randomId(),
      startedAt: at,
      heartbeatAt: at,
    };
    const op = kv.atomic().check(entry).set(recordKey, record, { expireIn: runningExpireMs });
    if (previous?.state === "done" && previous.chunks) {
      for (let i = 0; i < previous.chunks; i++) op.delete([...recordKey, previous.runId, i]);
    }
    const result = await op.commit();
    if (!result.ok) return undefined;
    if (previous?.state === "running") {
      log.warn("idempotency_takeover", { abandonedForMs: at - previous.heartbeatAt, runId: record.runId });
    }
    emit(previous ? "takeover" : "claimed");
    return { record, versionstamp: result.versionstamp };
  }

  /** Executes as the owner of a freshly claimed running record. */
  async function own(
    recordKey: Deno.KvKey,
    claimed: { record: RunningRecord; versionstamp: string },
    execute: () => Promise<StoredResponse>,
  ): Promise<IdempotencyResult> {
    const { record } = claimed;
    let versionstamp = claimed.versionstamp;
    let beat: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (beat) return;
      beat = (async () => {
        const result = await kv.atomic()
          .check({ key: recordKey, versionstamp })
          .set(recordKey, { ...record, heartbeatAt: now() } satisfies RunningRecord, {
            expireIn: runningExpireMs,
          })
          .commit();
        if (result.ok) {
          versionstamp = result.versionstamp;
        } else {
          clearInterval(timer);
          log.warn("idempotency_lease_lost", { runId: record.runId });
        }
      })()
        .catch((error) =>
          log.warn("idempotency_heartbeat_failed", { runId: record.runId, error: errorMessage(error) })
        )
        .finally(() => beat = undefined);
    }, heartbeatMs);
    const stopHeartbeat = async () => {
      clearInterval(timer);
      await beat;
    };

    /** Deletes our running record so the client can retry; a no-op if we no longer own it. */
    const release = async () => {
      try {
        await kv.atomic().check({ key: recordKey, versionstamp }).delete(recordKey).commit();
      } catch (error) {
        log.warn("idempotency_release_failed", { runId: record.runId, error: errorMessage(error) });
      }
    };

    let response: StoredResponse;
    try {
      response = await execute();
      assertStoredResponse(response);
    } catch (error) {
      await stopHeartbeat();
      await release();
      throw error;
    }
    await stopHeartbeat();
    if (!shouldStore(response.status)) {
      await release();
      return { response, replayed: false };
    }
    await complete(recordKey, record, versionstamp, response);
    return { response, replayed: false };
  }

  /** Flips our running record to done. The caller gets its response whatever happens here. */
  async function complete(
    recordKey: Deno.KvKey,
    running: RunningRecord,
    versionstamp: string,
    response: StoredResponse,
  ): Promise<void> {
    const completedAt = now();
    const done: DoneRecord = {
      state: "done",
      fingerprint: running.fingerprint,
      runId: running.runId,
      completedAt,
      expiresAt: completedAt + ttlMs,
      status: response.status,
    };
    const bytes = new TextEncoder().encode(JSON.stringify(response));
    let chunkCount = 0;
    try {
      if (bytes.length <= inlineMaxBytes) {
        done.response = response;
      } else if (bytes.length <= maxResponseBytes) {
        chunkCount = Math.ceil(bytes.length / chunkBytes);
        // Invisible until the record below names this runId and chunk count.
        for (let first = 0; first < chunkCount; first += chunksPerCommit) {
          const op = kv.atomic();
          for (let i = first; i < Math.min(chunkCount, first + chunksPerCommit); i++) {
            op.set([...recordKey, running.runId, i], bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes), {
              expireIn: ttlMs + chunkExpiryMarginMs,
            });
          }
          await op.commit();
        }
        done.chunks = chunkCount;
        done.byteLength = bytes.length;
      } else {
        done.notStored = true;
        log.warn("idempotency_response_too_large", {
          runId: running.runId,
          bytes: bytes.length,
          maxResponseBytes,
        });
      }
    } catch (error) {
      // Could not write the chunks: keep the outcome (no second execution) without the body.
      log.error("idempotency_store_failed", { runId: running.runId, error: errorMessage(error) });
      delete done.chunks;
      delete done.byteLength;
      done.notStored = true;
    }

    try {
      const result = await kv.atomic()
        .check({ key: recordKey, versionstamp })
        .set(recordKey, done, { expireIn: ttlMs })
        .commit();
      if (result.ok) return;
      // Someone took the record over (our heartbeat stalled past staleMs): theirs is the record now.
      log.warn("idempotency_lease_lost", { runId: running.runId });
    } catch (error) {
      log.error("idempotency_store_failed", { runId: running.runId, error: errorMessage(error) });
    }
    if (chunkCount > 0) await deleteChunks(recordKey, running.runId, chunkCount);
  }

  async function deleteChunks(recordKey: Deno.KvKey, runId: string, count: number): Promise<void> {
    try {
      for (let first = 0; first < count; first += chunksPerCommit) {
        const op = kv.atomic();
        for (let i = first; i < Math.min(count, first + chunksPerCommit); i++) {
          op.delete([...recordKey, runId, i]);
        }
        await op.commit();
      }
    } catch (error) {
      log.warn("idempotency_chunk_cleanup_failed", { runId, error: errorMessage(error) });
    }
  }

  async function replay(recordKey: Deno.KvKey, record: DoneRecord): Promise<StoredResponse> {
    if (record.response) return record.response;
    if (record.notStored || !record.chunks) {
      throw new KilnError(
        "conflict",
        "idempotency_response_not_stored",
        `A request with this Idempotency-Key already completed (status ${record.status}), but its response was too large to keep for replay.`,
        { details: { originalStatus: record.status } },
      );
    }
    const parts: Uint8Array[] = [];
    for (let first = 0; first < record.chunks; first += chunksPerRead) {
      const keys: Deno.KvKey[] = [];
      for (let i = first; i < Math.min(record.chunks, first + chunksPerRead); i++) {
        keys.push([...recordKey, record.runId, i]);
      }
      for (const entry of await kv.getMany<Uint8Array[]>(keys)) {
        if (!(entry.value instanceof Uint8Array)) throw corrupt();
        parts.push(entry.value);
      }
    }
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    if (bytes.length !== record.byteLength) throw corrupt();
    let response: unknown;
    try {
      response = JSON.parse(new TextDecoder().decode(bytes));
      assertStoredResponse(response);
    } catch {
      throw corrupt();
    }
    return response;
  }

  return {
    async run(scope, key, fingerprint, execute) {
      if (typeof scope !== "string" || scope === "" || scope.length > maxScopeLength) {
        throw new TypeError(`idempotency scope must be 1–${maxScopeLength} characters`);
      }
      if (validateIdempotencyKey(key) === undefined) throw invalidKey();
      if (typeof fingerprint !== "string" || fingerprint === "") {
        throw new TypeError("idempotency fingerprint is required");
      }
      const recordKey: Deno.KvKey = ["idempotency", scope, key];
      const deadline = performance.now() + waitMs;

      // Each turn either claims, replays, fails, or waits for the record to change; the bound only
      // guards against a pathological claim race and ends in the same 409 as a timeout.
      for (let turn = 0; turn < 100; turn++) {
        const entry = await kv.get<unknown>(recordKey);
        const record = parseRecord(entry.value);
        if (!record || !isLive(record, now())) {
          const claimed = await claim(recordKey, entry, record, fingerprint);
          if (claimed) return await own(recordKey, claimed, execute);
          continue;
        }
        if (record.fingerprint !== fingerprint) {
          throw new KilnError(
            "invalid",
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request; use a new key for a new request.",
          );
        }
        if (record.state === "done") {
          const response = await replay(recordKey, record);
          emit("replayed");
          return { response, replayed: true };
        }
        const remaining = deadline - performance.now();
        if (remaining <= 0) break;
        emit("waiting");
        if (!(await waitForChange(kv, recordKey, entry.versionstamp, remaining))) break;
      }
      emit("in_progress");
      throw new KilnError(
        "conflict",
        "idempotency_in_progress",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        { retryAfterSeconds: 1 },
      );
    },
  };
}

/**
 * The `Idempotency-Key` header: absent → undefined; otherwise 1–255 visible ASCII characters
 * (0x21–0x7E), else KilnError("malformed", "invalid_idempotency_key") — a 400.
 */
export function validateIdempotencyKey(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(raw)) throw invalidKey();
  return raw;
}

/**
 * SHA-256 (hex) of the request's method, path and body text, unambiguously framed. Same key + a
 * different fingerprint means the client reused a key for another request.
 */
export async function fingerprintRequest(method: string, path: string, bodyText: string): Promise<string> {
  return await sha256Hex(JSON.stringify([method.toUpperCase(), path, bodyText]));
}

/**
 * Resolves true once the record's versionstamp differs from `versionstamp` (changed or deleted),
 * false after `timeoutMs`. `kv.watch` first emits the current value, so a change that happened
 * before the watch started is not missed.
 */
async function waitForChange(
  kv: KvStore,
  key: Deno.KvKey,
  versionstamp: string | null,
  timeoutMs: number,
): Promise<boolean> {
  const reader = kv.watch([key]).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    while (true) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === "timeout") return false;
      if (next.done) return true;
      if (next.value[0].versionstamp !== versionstamp) return true;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
}

function parseRecord(value: unknown): IdempotencyRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as IdempotencyRecord;
  if (typeof record.fingerprint !== "string" || typeof record.runId !== "string") return undefined;
  if (record.state === "running" && Number.isFinite(record.heartbeatAt)) return record;
  if (record.state === "done" && Number.isFinite(record.expiresAt)) return record;
  return undefined;
}

function assertStoredResponse(value: unknown): asserts value is StoredResponse {
  const response = value as StoredResponse;
  const ok = typeof value === "object" && value !== null &&
    Number.isInteger(response.status) && response.status >= 100 && response.status <= 599 &&
    typeof response.body === "string" &&
    typeof response.headers === "object" && response.headers !== null &&
    Object.values(response.headers).every((header) => typeof header === "string");
  if (!ok) throw new TypeError("idempotent handler must return { status, headers, body: string }");
}

function invalidKey(): KilnError {
  return new KilnError(
    "malformed",
    "invalid_idempotency_key",
    "Idempotency-Key must be 1–255 visible ASCII characters.",
  );
}

function corrupt(): KilnError {
  return new KilnError("internal", "idempotency_record_corrupt", "The stored response could not be read.");
}
