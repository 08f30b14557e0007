/**
 * The one LISTEN connection of an instance. Every commit NOTIFYs the keys it wrote (schema.ts); this
 * connection receives them and wakes the in-process watchers of those keys, which then re-read the
 * rows (the payload carries keys and a version, never values). NOTIFY is not durable: while the
 * connection is down, notifications are lost, so after every reconnect all watchers re-read.
 */
import pg from "pg";
import { errorMessage, type Logger } from "../../log.ts";

export interface KeyNotifications {
  /** Calls `wake` whenever one of `hexKeys` may have changed; returns the unsubscribe function. */
  subscribe(hexKeys: string[], wake: () => void): () => void;
  /** Wakes the watchers of keys this process just wrote, without waiting for the round trip. */
  notifyLocal(hexKeys: string[]): void;
  close(): Promise<void>;
}

export function createKeyNotifications(url: string, channel: string, log: Logger): KeyNotifications {
  const byKey = new Map<string, Set<() => void>>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;

  const wakeAll = () => {
    for (const wakes of byKey.values()) for (const wake of wakes) wake();
  };
  const wakeKeys = (hexKeys: string[]) => {
    for (const hex of hexKeys) for (const wake of byKey.get(hex) ?? []) wake();
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: url });
      next.on("notification", (message) => {
        const [, keys = "*"] = (message.payload ?? "").split(" ");
        if (keys === "*") wakeAll();
        else wakeKeys(keys.split(","));
      });
      next.on("error", (error) => log.warn("postgres_listen_error", { error: errorMessage(error) }));
      next.on("end", () => {
        if (client === next) client = null;
        if (!closed) scheduleReconnect();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${channel}`);
        if (closed) {
          await next.end();
          return;
        }
        client = next;
        failures = 0;
        wakeAll(); // whatever changed while we were not listening is re-read now
      } catch (error) {
        log.warn("postgres_listen_failed", { error: errorMessage(error) });
        await next.end().catch(() => {});
        scheduleReconnect();
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer !== undefined) return;
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (byKey.size > 0) void connect();
    }, Math.min(5_000, 100 * 2 ** failures));
  };

  return {
    subscribe(hexKeys, wake) {
      for (const hex of hexKeys) {
        let wakes = byKey.get(hex);
        if (!wakes) byKey.set(hex, wakes = new Set());
        wakes.add(wake);
      }
      if (!client && !closed) void connect();
      return () => {
        for (const hex of hexKeys) {
          const wakes = byKey.get(hex);
          wakes?.delete(wake);
          if (wakes?.size === 0) byKey.delete(hex);
        }
      };
    },
    notifyLocal: wakeKeys,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await connecting;
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
