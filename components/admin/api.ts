/**
 * The admin console's browser side of the JSON API: the same routes a script calls, authorised by
 * the session cookie, with the session's CSRF token on every change. A 401 (the session ended)
 * goes back to the sign-in page, which returns here afterwards.
 */
import { useEffect, useState } from "preact/hooks";

class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string) {
    super(message);
  }
}

export interface CallOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  json?: unknown;
  headers?: Record<string, string>;
}

export type ApiCall = <T>(path: string, options?: CallOptions) => Promise<T>;

export function adminApi(csrf: string): ApiCall {
  return async <T>(path: string, options: CallOptions = {}): Promise<T> => {
    const method = options.method ?? "GET";
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (method !== "GET") headers["x-csrf-token"] = csrf;
    if (options.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
      location.assign(`/admin/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    if (!response.ok) {
      throw new ApiError(body.detail ?? `HTTP ${response.status}`, response.status, body.code);
    }
    return body as T;
  };
}

export interface Live<T> {
  data: T | null;
  error: string | null;
  /** Fetches again now (after an action). */
  refresh(): void;
}

/**
 * Loads `load()` now and every `everyMs` while the tab is visible (0: once); `deps` restart it.
 * Answers that arrive after a newer request started are dropped, so a slow poll never overwrites
 * a fresher answer.
 */
export function useLive<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): Live<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let latest = 0;
    const run = async () => {
      if (document.hidden) return;
      const mine = ++latest;
      try {
        const value = await load();
        if (mine === latest) {
          setData(value);
          setError(null);
        }
      } catch (failure) {
        if (mine === latest) setError(failure instanceof Error ? failure.message : String(failure));
      }
    };
    run();
    if (!everyMs) return () => void (latest = -1);
    const timer = setInterval(run, everyMs);
    return () => {
      latest = -1;
      clearInterval(timer);
    };
  }, [...deps, tick]);
  return { data, error, refresh: () => setTick((n) => n + 1) };
}
