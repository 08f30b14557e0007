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
