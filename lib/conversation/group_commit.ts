/**
 * Group commit of display appends: appends that arrive while the previous group commits join the
 * next group, which ONE transaction writes (each session's updates in arrival order, each session
 * version-checked). A group never outgrows one allowed batch nor `MAX_GROUP_SESSIONS` sessions, so
 * it stays within KV's atomic limits; each caller gets its own updates back, or its own session's
 * error. Under concurrency this commits far fewer times than one atomic per update.
 */
import { KilnError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { transact, type Transaction } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { type DisplayUpdate, MAX_BATCH_BYTES, type UpdateType } from "./updates.ts";

export type UpdateInput = { type: UpdateType; data: Record<string, unknown> };

/** Updates one append may carry (and one group may hold). */
export const MAX_BATCH = 100;
/** Sessions one group commit may touch (each adds a version check and its session writes). */
const MAX_GROUP_SESSIONS = 40;
/** The in-process queue of append groups: one group commits at a time. */
const appendQueue: Deno.KvKey = ["conversation", "append_groups"];

/** Appends waiting to be committed together, by session in arrival order. */
type AppendMember = { updates: UpdateInput[] } & Omit<PromiseWithResolvers<DisplayUpdate[]>, "promise">;

interface AppendGroup {
  sessions: Map<string, AppendMember[]>;
  count: number;
  bytes: number;
}

export interface GroupCommitOptions {
  kv: KvStore;
  log?: Logger;
  /** Refuses a batch over the limits; returns its size in bytes. */
  checkBatch(updates: UpdateInput[]): number;
  /** Stages one session's updates on the group's transaction (throws KilnError for that session). */
  stage(tx: Transaction, id: string, updates: UpdateInput[]): Promise<DisplayUpdate[]>;
}

/** Returns `append(id, updates)`: appends validated updates in order, atomically, with their seqs. */
export function createGroupCommit(options: GroupCommitOptions) {
  const { kv, log } = options;
  /** The group new appends join; undefined while none is waiting. */
  let openGroup: AppendGroup | undefined;

  async function commitGroup(group: AppendGroup): Promise<void> {
    // Filled in when the group's turn comes (members keep joining until then).
    let sessions: [string, AppendMember[]][] = [];
    try {
      const name = "conversation.append";
      const outcomes = await transact(kv, { name, serialise: appendQueue, log }, async (tx) => {
        // The group closes when its turn comes: later appends form the next one.
        if (openGroup === group) openGroup = undefined;
        sessions = [...group.sessions];
        const results: (DisplayUpdate[] | KilnError)[] = [];
        for (const [id, members] of sessions) {
          const updates = members.flatMap((member) => member.updates);
          // A missing or expired session fails its own writers only (nothing of it was staged).
          results.push(
            await options.stage(tx, id, updates).catch((error) => {
              if (error instanceof KilnError) return error;
              throw error;
            }),
          );
        }
        return results;
      });
      sessions.forEach(([, members], index) => {
        const outcome = outcomes[index];
        let next = 0;
        for (const member of members) {
          if (outcome instanceof KilnError) member.reject(outcome);
          else member.resolve(outcome.slice(next, next += member.updates.length));
        }
      });
    } catch (error) {
      if (openGroup === group) openGroup = undefined;
      for (const members of group.sessions.values()) for (const member of members) member.reject(error);
    }
  }

  return function append(id: string, updates: UpdateInput[]): Promise<DisplayUpdate[]> {
    const bytes = options.checkBatch(updates);
    if (updates.length === 0) return Promise.resolve([]);
    const waiter = Promise.withResolvers<DisplayUpdate[]>();
    let group = openGroup;
    if (
      !group || group.count + updates.length > MAX_BATCH || group.bytes + bytes > MAX_BATCH_BYTES ||
      (!group.sessions.has(id) && group.sessions.size >= MAX_GROUP_SESSIONS)
    ) {
      group = openGroup = { sessions: new Map(), count: 0, bytes: 0 };
      void commitGroup(group);
    }
    const members = group.sessions.get(id) ?? group.sessions.set(id, []).get(id)!;
    members.push({ updates, ...waiter });
    group.count += updates.length;
    group.bytes += bytes;
    return waiter.promise;
  };
}
