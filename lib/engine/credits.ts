/**
 * The credit ledger. Each user has one account record `{balance, held}` (balance includes held
 * credits; available = balance − held) and an append-only list of entries. Every change writes the
 * new account and its entries in ONE `kv.atomic()` that is checked against the account's
 * versionstamp (plus whatever records the caller needs checked, e.g. "this vend id is unused"), so
 * concurrent spends serialise on the account: a lost race re-reads and re-decides, and a decision
 * that would make the balance negative throws before anything is written.
 */
import type { Logger } from "../log.ts";
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import { engineKeys } from "./keys.ts";

export type EntryType = "grant" | "hold" | "release" | "charge" | "refund";

export interface Account {
  userId: string;
  balance: number;
  held: number;
  /** Entries written so far; the next entry's sequence number (keeps the ledger in order). */
  entries: number;
  updatedAt: string;
}

export interface LedgerEntry {
  id: string;
  sequence: number;
  type: EntryType;
  amount: number;
  /** What caused it: "vend", "admin_grant", "transcription", "hold_expired"… */
  reason: string;
  /** The request or job the entry belongs to. */
  reference?: string;
  balanceAfter: number;
  heldAfter: number;
  createdAt: string;
}

export interface EntryDraft {
  type: EntryType;
  amount: number;
  reason: string;
  reference?: string;
}

/** What one ledger transaction does; built from the current account, possibly several times. */
export interface AccountPlan<Outcome> {
  /** The entries to append; the account moves by exactly what they say. */
  entries: EntryDraft[];
  /** Other records that must be unchanged (versionstamp) or absent (null) for the commit. */
  checks?: Deno.AtomicCheck[];
  /** Records written in the same commit; given the entries (with their ids) being appended. */
  sets?: (entries: LedgerEntry[]) => { key: Deno.KvKey; value: unknown; expireIn?: number }[];
  deletes?: Deno.KvKey[];
  outcome: Outcome;
}

/** Returned by a planner when the work was already done (an idempotent replay): nothing is written. */
export interface AlreadyDone<Outcome> {
  done: Outcome;
}

export function emptyAccount(userId: string): Account {
  return { userId, balance: 0, held: 0, entries: 0, updatedAt: new Date(0).toISOString() };
}

export function available(account: Account): number {
  return account.balance - account.held;
}

export async function readAccount(kv: KvStore, userId: string): Promise<Account> {
  return (await kv.get<Account>(engineKeys.account(userId))).value ?? emptyAccount(userId);
}

/**
 * Runs `plan` against the current account and commits its result atomically; on a version
 * conflict it re-reads and plans again. `plan` throws a KilnError to refuse (nothing is written).
 * The account is a hot key: this process's writers of one account queue instead of colliding.
 */
export function updateAccount<Outcome>(
  kv: KvStore,
  userId: string,
  plan: (account: Account) => Promise<AccountPlan<Outcome> | AlreadyDone<Outcome>>,
  log?: Logger,
): Promise<{ outcome: Outcome; account: Account; entries: LedgerEntry[]; replayed: boolean }> {
  const key = engineKeys.account(userId);
  // Other instances (PostgreSQL backend) still race on the version check: allow more rounds.
  return transact(kv, { name: "ledger.update", serialise: key, maxAttempts: 100, log }, async (tx) => {
    const stored = await tx.get<Account>(key);
    const current = stored.value ?? emptyAccount(userId);
    const decided = await plan(current);
    if ("done" in decided) return { outcome: decided.done, account: current, entries: [], replayed: true };
    const now = new Date().toISOString();
    let running = { balance: current.balance, held: current.held };
    const entries = decided.entries.map((draft, index): LedgerEntry => {
      running = applyEntry(running, draft);
      assertSound(running);
      return {
        id: randomId(),
        sequence: current.entries + index + 1,
        ...draft,
        balanceAfter: running.balance,
        heldAfter: running.held,
        createdAt: now,
      };
    });
    const next: Account = {
      ...current,
      ...running,
      entries: current.entries + entries.length,
      updatedAt: now,
    };
    const atomic = tx.op;
    for (const check of decided.checks ?? []) atomic.check(check);
    atomic.set(key, next);
    for (const entry of entries) atomic.set(engineKeys.ledger(userId, entry.sequence), entry);
    for (const write of decided.sets?.(entries) ?? []) {
      atomic.set(write.key, write.value, write.expireIn ? { expireIn: write.expireIn } : undefined);
    }
    for (const key of decided.deletes ?? []) atomic.delete(key);
    return { outcome: decided.outcome, account: next, entries, replayed: false };
  });
}

/** Balance and held after one entry: how each entry type moves credits. */
function applyEntry(state: { balance: number; held: number }, entry: EntryDraft) {
  switch (entry.type) {
    case "grant":
    case "refund":
      return { balance: state.balance + entry.amount, held: state.held };
    case "hold":
      return { balance: state.balance, held: state.held + entry.amount };
    case "release":
      return { balance: state.balance, held: state.held - entry.amount };
    case "charge":
      return { balance: state.balance - entry.amount, held: state.held };
  }
}

function assertSound(account: { balance: number; held: number }): void {
  if (account.balance < 0 || account.held < 0 || account.held > account.balance) {
    // A planner bug, never user input: refuse rather than corrupt the ledger.
    throw new KilnError("internal", "ledger_invariant", "A ledger change would break the balance invariant.");
  }
}

export function insufficientCredits(account: Account, required: number): KilnError {
  return new KilnError("payment_required", "insufficient_credits", "Not enough credits.", {
    details: {
      balance: account.balance,
      heldCredits: account.held,
      available: available(account),
      required,
    },
  });
}
