/**
 * Conversation sessions in KV: create/re-initialise, apply updates (one version-checked atomic that
 * bumps seq, stores the updates, trims the rings and stages the live events, so the stream never
 * shows an update the state does not have), read the bounded state, and expire idle sessions.
 */
import type { Logger } from "../log.ts";
import { transact, type Transaction } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import type { ChangeFeed, LiveEvent } from "../live/types.ts";
import { conversationKeys as keys, conversationTopic } from "./keys.ts";
import { hashToken, newWriteToken } from "./tokens.ts";
import { createGroupCommit, MAX_BATCH, type UpdateInput } from "./group_commit.ts";
import { type DisplayUpdate, MAX_BATCH_BYTES, updateBytes } from "./updates.ts";

export const MAX_TRANSCRIPTS = 100;
export const MAX_UPDATES = 50;
export type Category = "restaurant" | "financial";

export interface SessionRecord {
  id: string;
  tenantId: string;
  category: Category;
  /** Currency of updates that name none: init's, else the tenant's menu or theme (set at init). */
  currency?: string;
  seq: number;
  writeTokenHash: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** Seqs still stored, oldest first (the rings). */
  transcriptSeqs: number[];
  updateSeqs: number[];
}

export interface SessionState {
  sessionId: string;
  tenantId: string;
  category: Category;
  currency?: string;
  createdAt: number;
  seq: number;
  expiresAt: number;
  transcripts: DisplayUpdate[];
  updates: DisplayUpdate[];
}

export interface SessionStoreOptions {
  kv: KvStore;
  live: ChangeFeed;
  ttlMs: number;
  /** Extra per-session keys other parts of the module keep (removed on expiry). */
  extraKeys?: ((id: string) => Deno.KvKey)[];
  now?: () => number;
  log?: Logger;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/**
 * The expiry index is kept at minute granularity (rounded down): appends within the same minute
 * extend the session without moving its index entry. Readers and the sweep check the exact
 * `expiresAt`.
 */
const EXPIRY_INDEX_STEP_MS = 60_000;

function expiryKey(expiresAt: number, id: string): Deno.KvKey {
  return keys.expiry(Math.floor(expiresAt / EXPIRY_INDEX_STEP_MS) * EXPIRY_INDEX_STEP_MS, id);
}

export function createSessionStore(options: SessionStoreOptions) {
  const { kv, live, ttlMs } = options;
  const now = options.now ?? Date.now;
  /**
   * The version of each session this process last committed: the next append checks against it
   * instead of reading it again. If anything else changed the session meanwhile, the check fails
   * and the retry reads it fresh. Other writes to a session drop its entry.
   */
  const committed = new Map<string, Deno.KvEntry<SessionRecord>>();
  const rememberedSessions = 10_000;

  async function get(id: string): Promise<Deno.KvEntryMaybe<SessionRecord>> {
    const entry = await kv.get<SessionRecord>(keys.session(id));
    // expireIn-style laziness: a session past its expiry is gone even before cleanup runs.
    if (entry.value && entry.value.expiresAt <= now()) {
      return { key: entry.key, value: null, versionstamp: null };
    }
    return entry;
  }

  async function require(id: string): Promise<Deno.KvEntry<SessionRecord>> {
    const entry = await get(id);
    if (!entry.value) throw new KilnError("not_found", "session_not_found", "No such conversation session.");
    return entry as Deno.KvEntry<SessionRecord>;
  }

  /** Creates the session, or re-initialises it for the same tenant. `writeToken` only on creation. */
  async function init(
    input: { sessionId?: string; tenantId: string; category: Category; currency?: string },
  ): Promise<{ session: SessionRecord; writeToken?: string; created: boolean }> {
    const id = input.sessionId ?? randomId();
    return await write(id, "conversation.init", async (tx) => {
      const entry = await tx.get<SessionRecord>(keys.session(id));
      const time = now();
      if (entry.value && entry.value.expiresAt > time) {
        if (entry.value.tenantId !== input.tenantId) {
          throw new KilnError(
            "conflict",
            "session_tenant_mismatch",
            "This session belongs to another tenant.",
          );
        }
        const session = {
          ...entry.value,
          category: input.category,
          currency: input.currency ?? entry.value.currency,
          updatedAt: time,
          expiresAt: time + ttlMs,
        };
        tx.op.set(keys.session(id), session)
          .delete(expiryKey(entry.value.expiresAt, id)).set(expiryKey(session.expiresAt, id), true);
        return { session, created: false };
      }
      const writeToken = newWriteToken();
      const session: SessionRecord = {
        id,
        tenantId: input.tenantId,
        category: input.category,
        ...(input.currency ? { currency: input.currency } : {}),
        // A re-created id continues after the topic's head so resuming clients never see seqs reused.
        seq: await live.head(conversationTopic(id)),
        writeTokenHash: await hashToken(writeToken),
        createdAt: time,
        updatedAt: time,
        expiresAt: time + ttlMs,
        transcriptSeqs: [],
        updateSeqs: [],
      };
      tx.op.set(keys.session(id), session).set(expiryKey(session.expiresAt, id), true);
      return { session, writeToken, created: true };
    });
  }

  /**
   * One transaction on session `id`: writers of one session queue in this process (it is the hot
   * key of the display), so concurrent producers wait their turn instead of retrying. A body must
   * not call `write`/`append` itself (the queue is not re-entrant): it stages with `stageAppend`.
   */
  function write<T>(id: string, name: string, body: (tx: Transaction) => Promise<T>): Promise<T> {
    return transact(kv, { name, serialise: keys.session(id), log: options.log }, (tx) => {
      committed.delete(id);
      return body(tx);
    });
  }

  /** Appends validated updates in order, atomically; returns them with their seqs (group commit). */
  const append = createGroupCommit({
    kv,
    log: options.log,
    checkBatch,
    stage: (tx, id, updates) => stageUpdates(tx, id, updates, true),
  });

  /**
   * Adds the append to a transaction the caller runs with `write` (so the caller's own writes
   * commit together with the updates, or not at all).
   */
  function stageAppend(tx: Transaction, id: string, updates: UpdateInput[]): Promise<DisplayUpdate[]> {
    checkBatch(updates);
    return stageUpdates(tx, id, updates, false);
  }

  /**
   * Bumps seq, stores the updates, trims the rings and stages the live events. The batch limits are
   * the caller's to check: `append` checks each batch and bounds a group by the same limits.
   * `remember`: a group commit's session, whose committed version the next group checks against.
   */
  async function stageUpdates(
    tx: Transaction,
    id: string,
    updates: UpdateInput[],
    remember: boolean,
  ): Promise<DisplayUpdate[]> {
    const known = remember && tx.attempt === 1 ? committed.get(id) : undefined;
    committed.delete(id);
    if (known) tx.op.check(known);
    const entry = known ?? await tx.get<SessionRecord>(keys.session(id));
    if (!entry.value || entry.value.expiresAt <= now()) {
      throw new KilnError("not_found", "session_not_found", "No such conversation session.");
    }
    const time = now();
    const session: SessionRecord = {
      ...entry.value,
      transcriptSeqs: [...entry.value.transcriptSeqs],
      updateSeqs: [...entry.value.updateSeqs],
    };
    const operation = tx.op;
    const stored: DisplayUpdate[] = [];
    let lastInterim = await lastInterimTranscript(session);
    for (const update of updates) {
      const record: DisplayUpdate = { seq: ++session.seq, type: update.type, data: update.data, at: time };
      stored.push(record);
      if (record.type === "transcription") {
        // An interim transcript is superseded by the next transcript of the same speaker.
        if (lastInterim && lastInterim.data.speaker === record.data.speaker) {
          operation.delete(keys.transcript(id, lastInterim.seq));
          session.transcriptSeqs = session.transcriptSeqs.filter((seq) => seq !== lastInterim!.seq);
        }
        lastInterim = record.data.isFinal ? undefined : record;
        operation.set(keys.transcript(id, record.seq), record);
        session.transcriptSeqs.push(record.seq);
        while (session.transcriptSeqs.length > MAX_TRANSCRIPTS) {
          operation.delete(keys.transcript(id, session.transcriptSeqs.shift()!));
        }
      } else {
        operation.set(keys.update(id, record.seq), record);
        session.updateSeqs.push(record.seq);
        while (session.updateSeqs.length > MAX_UPDATES) {
          operation.delete(keys.update(id, session.updateSeqs.shift()!));
        }
      }
      live.stage(operation, conversationTopic(id), {
        seq: record.seq,
        type: "update",
        data: record,
        at: time,
      });
    }
    session.updatedAt = time;
    session.expiresAt = time + ttlMs;
    operation.set(keys.session(id), session);
    const [before, after] = [expiryKey(entry.value.expiresAt, id), expiryKey(session.expiresAt, id)];
    if (before[2] !== after[2]) operation.delete(before).set(after, true);
    if (remember) {
      tx.onCommit((versionstamp) => {
        if (committed.size >= rememberedSessions) committed.delete(committed.keys().next().value!);
        committed.set(id, { key: keys.session(id), value: session, versionstamp });
      });
    }
    return stored;
  }

  /** Refuses a batch over the limits; returns its size in bytes. */
  function checkBatch(updates: UpdateInput[]): number {
    if (updates.length > MAX_BATCH) {
      throw new KilnError("invalid", "batch_too_large", `A batch holds at most ${MAX_BATCH} updates.`);
    }
    const bytes = updates.reduce((sum, update) => sum + updateBytes(update), 0);
    if (bytes > MAX_BATCH_BYTES) {
      throw new KilnError(
        "too_large",
        "batch_too_large",
        `A batch's updates may total at most ${MAX_BATCH_BYTES} bytes; send it in parts.`,
      );
    }
    return bytes;
  }

  async function lastInterimTranscript(session: SessionRecord): Promise<DisplayUpdate | undefined> {
    const seq = session.transcriptSeqs.at(-1);
    if (seq === undefined) return undefined;
    const last = (await kv.get<DisplayUpdate>(keys.transcript(session.id, seq))).value;
    return last && last.data.isFinal === false ? last : undefined;
  }

  async function state(id: string): Promise<SessionState> {
    const { value: session } = await require(id);
    const [transcripts, updates] = await Promise.all([
      listUpTo<DisplayUpdate>(keys.transcripts(id), session.seq),
      listUpTo<DisplayUpdate>(keys.updates(id), session.seq),
    ]);
    return {
      sessionId: id,
      tenantId: session.tenantId,
      category: session.category,
      ...(session.currency ? { currency: session.currency } : {}),
      createdAt: session.createdAt,
      seq: session.seq,
      expiresAt: session.expiresAt,
      transcripts,
      updates,
    };
  }

  async function listUpTo<T extends { seq: number }>(prefix: Deno.KvKey, maxSeq: number): Promise<T[]> {
    const out: T[] = [];
    for await (const entry of kv.list<T>({ prefix }, { batchSize: 200 })) {
      if (entry.value.seq <= maxSeq) out.push(entry.value);
    }
    return out;
  }

  /** The state as the first event of a fresh stream: seq = the state's seq, so live events follow it. */
  async function snapshotEvent(id: string): Promise<LiveEvent[]> {
    const snapshot = await state(id);
    return [{ seq: snapshot.seq, type: "state", data: snapshot, at: now() }];
  }

  async function remove(id: string): Promise<void> {
    committed.delete(id);
    const prefixes = [keys.updates(id), keys.transcripts(id)];
    for (const prefix of prefixes) {
      for await (const entry of kv.list({ prefix })) await kv.delete(entry.key);
    }
    const entry = await kv.get<SessionRecord>(keys.session(id));
    const operation = kv.atomic().delete(keys.session(id));
    if (entry.value) operation.delete(expiryKey(entry.value.expiresAt, id));
    for (const extra of options.extraKeys ?? []) operation.delete(extra(id));
    await operation.commit();
  }

  /** Removes every session whose expiry has passed; returns how many. */
  async function expire(): Promise<number> {
    let removed = 0;
    const end = [...keys.expiries(), now(), ""];
    for await (const entry of kv.list({ start: keys.expiries(), end })) {
      const id = entry.key[3] as string;
      const current = await kv.get<SessionRecord>(keys.session(id));
      // Only remove when the index still matches (a later update may have extended the session).
      if (current.value && expiryKey(current.value.expiresAt, id)[2] !== entry.key[2]) {
        await kv.delete(entry.key);
        continue;
      }
      if (current.value && current.value.expiresAt > now()) continue; // indexed early: its minute began
      await remove(id);
      await kv.delete(entry.key);
      removed++;
    }
    return removed;
  }

  return { get, require, init, write, append, stageAppend, state, snapshotEvent, remove, expire };
}
