/** What browser code (islands, components) may use of the business engine module: types only. */
export type { HoldView } from "./admin.ts";
export type { LedgerEntry } from "./credits.ts";
export type { BalanceView } from "./ledger.ts";
