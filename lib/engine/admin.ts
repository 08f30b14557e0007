/**
 * What an operator reads about the ledger (the admin console and `/v1/admin/*`): every account with
 * its balance, one user's account with holds and entries, and the credits held right now.
 */
import type { KvStore } from "../store/types.ts";
import { listPage, type Page } from "../store/page.ts";
import type { Account } from "./credits.ts";
import { engineKeys } from "./keys.ts";
import { type BalanceView, balanceView, getBalance, listTransactions } from "./ledger.ts";
import type { MeteredRequest } from "./requests.ts";

export interface HoldView {
  requestId: string;
  userId: string;
  credits: number;
  status: MeteredRequest["status"];
  url: string;
  jobId: string | null;
  createdAt: string;
}

/** Hold-index entries read at most for one listing. */
const holdScanLimit = 5_000;

export async function listAccounts(
  kv: KvStore,
  options: { limit: number; cursor?: string },
): Promise<Page<BalanceView>> {
  const page = await listPage<Account>(kv, { prefix: engineKeys.account("").slice(0, -1) }, options);
  return { items: page.items.map(balanceView), cursor: page.cursor };
}

/** Active holds, oldest first (the ones the expiry sweep releases next); optionally of one user. */
export async function listHolds(
  kv: KvStore,
  options: { userId?: string; limit: number },
): Promise<HoldView[]> {
  const ids: string[] = [];
  const index = kv.list<{ userId: string }>({ prefix: engineKeys.holdsByTimePrefix() }, {
    limit: holdScanLimit,
  });
  for await (const entry of index) {
    if (options.userId && entry.value.userId !== options.userId) continue;
    ids.push(entry.key[3] as string);
    if (ids.length >= options.limit) break;
  }
  const holds: HoldView[] = [];
  for (let start = 0; start < ids.length; start += 10) {
    const records = await kv.getMany<MeteredRequest[]>(ids.slice(start, start + 10).map(engineKeys.request));
    for (const { value } of records) {
      if (!value?.holdActive) continue;
      holds.push({
        requestId: value.requestId,
        userId: value.userId,
        credits: value.heldCredits,
        status: value.status,
        url: value.url,
        jobId: value.jobId ?? null,
        createdAt: value.createdAt,
      });
    }
  }
  return holds;
}

/** One user for the console: balance, active holds and the newest ledger entries. */
export async function userDetail(
  kv: KvStore,
  userId: string,
  options: { limit: number; cursor?: string },
) {
  const [balance, holds, transactions] = await Promise.all([
    getBalance(kv, userId),
    listHolds(kv, { userId, limit: 100 }),
    listTransactions(kv, userId, options),
  ]);
  return {
    balance,
    holds,
    transactions: { items: transactions.items, nextCursor: transactions.cursor ?? null },
  };
}
