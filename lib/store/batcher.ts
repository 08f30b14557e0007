/**
 * Group execution for both stores: while fewer than `maxInFlight` batches are running, a submitted
 * item leaves at once; otherwise it waits, and everything that waited leaves together when a batch
 * returns. Light load adds no latency (every item goes alone); heavy load shares one round trip and
 * one transaction among many items — on PostgreSQL the socket write and the per-statement work, on
 * a Deno KV file the disk sync every commit waits for (issue 15).
 */

export interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export interface BatcherOptions<Item, Result> {
  maxInFlight: number;
  /**
   * A fresh admission rule per batch: true joins the batch, "later" leaves the item queued for a
   * later batch (the batch is full), "alone" sends it at once by itself (it clashes with the batch:
   * queued behind it, an optimistic commit on a hot key would only go stale).
   */
  admit(): (item: Item) => true | "later" | "alone";
  /** Runs a batch and settles each of its items; a throw rejects the items it left unsettled. */
  run(batch: Pending<Item, Result>[]): Promise<void>;
}

export function createBatcher<Item, Result>(
  options: BatcherOptions<Item, Result>,
): (item: Item) => Promise<Result> {
  let queue: Pending<Item, Result>[] = [];
  let inFlight = 0;

  const send = (batch: Pending<Item, Result>[], counted: boolean) => {
    if (counted) inFlight++;
    options.run(batch)
      .catch((error) => {
        for (const pending of batch) pending.reject(error);
      })
      .finally(() => {
        if (counted) inFlight--;
        flush();
      });
  };

  const flush = () => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const [first, ...others] = queue;
      const admits = options.admit();
      admits(first.item); // the oldest item always goes (even an oversized one) and counts for the rest
      const batch = [first];
      queue = [];
      for (const pending of others) {
        const admitted = admits(pending.item);
        if (admitted === true) batch.push(pending);
        else if (admitted === "later") queue.push(pending);
        else send([pending], false);
      }
      send(batch, true);
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      flush();
    });
}
