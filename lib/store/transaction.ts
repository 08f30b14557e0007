/**
 * The one way to make an optimistic read → check → commit write. `transact` runs the body with a
 * fresh atomic operation; every `tx.get` adds a version check of what it read, so the commit fails
 * if any of it changed and the body runs again on fresh data. Retries are bounded and jittered, and
 * giving up is always the same thing: a logged-once 409 problem with the code `contention`.
 *
 * Hot keys (one display session, one credit account) are named in `serialise`: writers of the same
 * key in this process then queue behind each other before the optimistic commit, so concurrent
 * writers wait their turn instead of colliding and retrying. Across instances (PostgreSQL backend)
 * the version check still decides.
 */
import { KilnError } from "../errors.ts";
import { randomFraction } from "../ids.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../sleep.ts";
import type { KvStore } from "./types.ts";

/** What the body of a transaction reads and writes through. */
export interface Transaction {
  /** Reads a key and checks, at commit, that it has not changed since. */
  get<T>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>>;
  /** Reads up to 10 keys at once, each checked at commit. */
  getMany<T extends readonly unknown[]>(
    keys: readonly [...{ [K in keyof T]: Deno.KvKey }],
  ): Promise<{ [K in keyof T]: Deno.KvEntryMaybe<T[K]> }>;
  /** The atomic operation being built: add sets, deletes, sums, enqueues, staged live events. */
  readonly op: Deno.AtomicOperation;
  /** Which attempt this is (1 for the first). */
  readonly attempt: number;
  /** Runs `callback` with the commit's versionstamp once this attempt has committed. */
  onCommit(callback: (versionstamp: string) => void): void;
}

export interface TransactOptions {
  /** Names the write in the log line and the give-up problem (e.g. "conversation.append"). */
  name: string;
  /** A hot key: writers of the same key in this process run one at a time. */
  serialise?: Deno.KvKey;
  /** Commits tried before giving up (default 20). */
  maxAttempts?: number;
  log?: Logger;
}

/** Thrown when a transaction lost the race `maxAttempts` times in a row. */
export function contention(name: string): KilnError {
  return new KilnError("conflict", "contention", "The record is being changed concurrently; retry.", {
    retryAfterSeconds: 1,
    details: { operation: name },
  });
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `body` until its commit succeeds and returns what it returned. A body that throws aborts the
 * transaction (nothing is written) and the error propagates unchanged.
 */
export function transact<T>(
  kv: KvStore,
  options: TransactOptions,
  body: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (!options.serialise) return attempt(kv, options, body);
  return serialised(hotKeyName(options.serialise), () => attempt(kv, options, body));
}

async function attempt<T>(
  kv: KvStore,
  options: TransactOptions,
  body: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 20;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { op, writes } = tracked(kv.atomic());
    const committed: ((versionstamp: string) => void)[] = [];
    const tx: Transaction = {
      op,
      attempt,
      onCommit: (callback) => void committed.push(callback),
      async get<V>(key: Deno.KvKey) {
        const entry = await kv.get<V>(key);
        op.check(entry);
        return entry;
      },
      async getMany<V extends readonly unknown[]>(keys: readonly [...{ [K in keyof V]: Deno.KvKey }]) {
        const entries = await kv.getMany<V>(keys);
        op.check(...entries);
        return entries;
      },
    };
    const result = await body(tx);
    // A body that decided to write nothing (already done, nothing to change) needs no commit.
    if (!writes()) return result;
    const commit = await op.commit();
    if (commit.ok) {
      for (const callback of committed) callback(commit.versionstamp);
      return result;
    }
    // The first retry is immediate (the usual case is one other writer); later ones spread out.
    if (attempt >= 2) await sleep(randomFraction() * Math.min(50, 2 ** attempt));
  }
  options.log?.warn("transaction_contended", { operation: options.name, attempts: maxAttempts });
  throw contention(options.name);
}

/** The operation, and whether anything but checks was added to it. */
function tracked(operation: Deno.AtomicOperation): { op: Deno.AtomicOperation; writes(): boolean } {
  let wrote = false;
  const op: Deno.AtomicOperation = new Proxy(operation, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property !== "check" && property !== "commit") wrote = true;
        const result = value.apply(target, args);
        return result === target ? op : result;
      };
    },
  });
  return { op, writes: () => wrote };
}

/** Chains `run` behind every earlier run for the same key; the chain is dropped when it drains. */
function serialised<T>(name: string, run: () => Promise<T>): Promise<T> {
  const before = queues.get(name) ?? Promise.resolve();
  const result = before.then(run, run);
  const tail = result.then(() => {}, () => {});
  queues.set(name, tail);
  tail.then(() => {
    if (queues.get(name) === tail) queues.delete(name);
  });
  return result;
}

function hotKeyName(key: Deno.KvKey): string {
  return key.map((part) =>
    part instanceof Uint8Array ? `b:${Array.from(part).join(",")}` : `${typeof part}:${String(part)}`
  ).join("\u0000");
}
