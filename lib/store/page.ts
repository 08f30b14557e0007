/**
 * One page of a KV range: at most `limit` values and the cursor that continues after them (absent on
 * the last page). Every paged JSON list (`?limit=&cursor=`) goes through here, so a cursor that
 * does not belong to the range is always the same 422 `invalid_cursor`.
 */
import { z } from "zod";
import { KilnError } from "../errors.ts";
import type { KvStore } from "./types.ts";

/** `?limit=&cursor=` of a paged list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export async function listPage<T>(
  kv: KvStore,
  selector: Deno.KvListSelector,
  options: { limit: number; cursor?: string; reverse?: boolean },
): Promise<Page<T>> {
  const iterator = kv.list<T>(selector, {
    reverse: options.reverse,
    limit: options.limit,
    cursor: options.cursor || undefined,
  });
  const items: T[] = [];
  try {
    for await (const entry of iterator) items.push(entry.value);
  } catch (error) {
    if (options.cursor && error instanceof TypeError) {
      throw new KilnError("invalid", "invalid_cursor", "The cursor is not valid.");
    }
    throw error;
  }
  const cursor = items.length === options.limit ? iterator.cursor : undefined;
  return { items, cursor: cursor || undefined };
}
