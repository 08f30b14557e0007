/** Reading the ledger (balance, paged transactions) and the one admin write: granting credits. */
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { type Account, available, type LedgerEntry, readAccount, updateAccount } from "./credits.ts";
import { engineKeys } from "./keys.ts";
import { listPage, type Page } from "../store/page.ts";

export interface BalanceView {
  userId: string;
  balance: number;
  heldCredits: number;
  availableCredits: number;
  updatedAt: string;
}

export function balanceView(account: Account): BalanceView {
  return {
    userId: account.userId,
    balance: account.balance,
    heldCredits: account.held,
    availableCredits: available(account),
    updatedAt: account.updatedAt,
  };
}

export async function getBalance(kv: KvStore, userId: string): Promise<BalanceView> {
  return balanceView(await readAccount(kv, userId));
}

interface GrantRecord {
  entryId: string;
  amount: number;
  balanceAfter: number;
}

export interface GrantResult {
  userId: string;
  added: number;
  entryId: string;
  balance: BalanceView;
  replayed: boolean;
}

/**
 * Adds credits. With a `clientRequestId` the grant happens at most once per (user, id): the marker
 * record is written in the same atomic as the entry, so a retried or concurrent duplicate finds it
 * and changes nothing.
 */
export async function grantCredits(
  kv: KvStore,
  input: { userId: string; amount: number; reason?: string; clientRequestId?: string },
): Promise<GrantResult> {
  const markerKey = input.clientRequestId ? engineKeys.grant(input.userId, input.clientRequestId) : undefined;
  const result = await updateAccount<GrantRecord | undefined>(kv, input.userId, async () => {
    if (markerKey) {
      const marker = await kv.get<GrantRecord>(markerKey);
      if (marker.value) {
        if (marker.value.amount !== input.amount) {
          throw new KilnError(
            "invalid",
            "client_request_id_reused",
            "This clientRequestId was used for a different amount.",
          );
        }
        return { done: marker.value };
      }
      return {
        entries: [{
          type: "grant",
          amount: input.amount,
          reason: input.reason ?? "admin_grant",
          reference: input.clientRequestId,
        }],
        checks: [{ key: markerKey, versionstamp: null }],
        sets: ([entry]) => [{
          key: markerKey,
          value: {
            entryId: entry.id,
            amount: entry.amount,
            balanceAfter: entry.balanceAfter,
          } satisfies GrantRecord,
        }],
        outcome: undefined,
      };
    }
    return {
      entries: [{ type: "grant", amount: input.amount, reason: input.reason ?? "admin_grant" }],
      outcome: undefined,
    };
  });
  if (result.replayed && result.outcome) {
    return {
      userId: input.userId,
      added: result.outcome.amount,
      entryId: result.outcome.entryId,
      balance: balanceView(result.account),
      replayed: true,
    };
  }
  const entry = result.entries[0];
  return {
    userId: input.userId,
    added: entry.amount,
    entryId: entry.id,
    balance: balanceView(result.account),
    replayed: false,
  };
}

/** Newest first; `cursor` continues where the previous page stopped. */
export function listTransactions(
  kv: KvStore,
  userId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<LedgerEntry>> {
  return listPage<LedgerEntry>(kv, { prefix: engineKeys.ledgerPrefix(userId) }, {
    ...options,
    reverse: true,
  });
}
