/** zod schemas of the engine's HTTP inputs (bodies, queries, params). */
import { z } from "zod";

const clientRequestId = z.string().min(1).max(200).regex(/^[\w.:-]+$/, "letters, digits and . _ : - only");

export const UserIdParam = z.object({ id: z.string().min(1).max(200).regex(/^[\w.@:-]+$/) });

export const MintTokenBody = z.object({
  ttlSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(3600),
});

export const AddCreditsBody = z.object({
  userId: z.string().min(1).max(200).regex(/^[\w.@:-]+$/),
  amount: z.number().int().min(1).max(1_000_000),
  reason: z.string().max(200).optional(),
  clientRequestId: clientRequestId.optional(),
});

export const VendTokenBody = z.object({
  clientRequestId: clientRequestId.optional(),
});

export const TransactionsQuery = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const MediaUrlBody = z.object({
  url: z.url().max(2048),
  clientRequestId: clientRequestId.optional(),
});

export const JobIdParam = z.object({ id: z.string().min(1).max(200) });
export const RequestIdParam = z.object({ requestId: z.string().min(1).max(200) });

export const MetaQuery = z.object({ url: z.string().min(1).max(2048) });

/** Who may run the engine's admin routes: the seed's ENGINE_ADMIN_KEY, or Kiln's admin (token or console). */
export const engineAdminAuth = ["engine-admin", "admin"];

export const BalanceSchema = z.object({
  userId: z.string(),
  balance: z.number().int().describe("All credits, held ones included."),
  heldCredits: z.number().int().describe("Reserved by transcriptions in flight."),
  availableCredits: z.number().int().describe("balance − heldCredits: what the user can spend now."),
  updatedAt: z.string(),
});

export const HoldSchema = z.object({
  requestId: z.string(),
  userId: z.string(),
  credits: z.number().int(),
  status: z.string(),
  url: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
});

export const LedgerEntrySchema = z.object({
  id: z.string(),
  sequence: z.number().int(),
  type: z.enum(["grant", "hold", "release", "charge", "refund"]),
  amount: z.number().int(),
  reason: z.string(),
  reference: z.string().optional(),
  balanceAfter: z.number().int(),
  heldAfter: z.number().int(),
  createdAt: z.string(),
});
