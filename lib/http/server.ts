/**
 * The HTTP listener, hardened against connection floods. `Deno.serve` has no header-read or idle
 * timeout, no connection cap, and ends the process when `accept()` fails with "Too many open
 * files". So Kiln accepts connections itself and serves each with Deno's per-connection HTTP engine
 * (`Deno.serveHttp`: hyper, request by request, WebSocket upgrades included):
 *
 * - **connection caps**: past `maxConnections` (or `maxConnectionsPerClient` for one address) a new
 *   connection gets a one-line 503/429 problem and is closed, so a flood costs its own sockets only;
 * - **timeouts**: a connection must deliver a complete request head within `headersTimeoutMs` of
 *   opening, and the next one within `keepAliveTimeoutMs` of the previous response's last byte;
 *   otherwise it is closed. A response that is still streaming (SSE, a download) is never cut;
 * - **descriptor exhaustion**: a failing `accept()` is logged and retried after a pause while the
 *   kernel's backlog holds or refuses newcomers — the process keeps serving its open connections.
 *
 * Bodies are bounded separately (lib/http/body.ts). Where the per-connection engine is missing (a
 * Deno without it, Deno Deploy), this falls back to `Deno.serve` and says so in /health.
 */
import { errorMessage, type Logger } from "../log.ts";
import { late, sleep, within } from "../sleep.ts";
import { normalizeIp } from "./client_ip.ts";

export interface ServerLimits {
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** Per remote address; 0 turns it off (behind a proxy every connection has the proxy's address). */
  maxConnectionsPerClient: number;
}

export interface ServerStats {
  open: number;
  accepted: number;
  refused: number;
  timedOut: number;
  acceptErrors: number;
}

export interface GuardedServer {
  addr: Deno.NetAddr;
  /** Stops accepting, closes idle connections and waits for in-flight responses. */
  shutdown(): Promise<void>;
  stats(): ServerStats;
  /** False when the per-connection engine is missing and `Deno.serve` runs without these limits. */
  readonly guarded: boolean;
}

export interface GuardedServeOptions {
  hostname: string;
  port: number;
  limits: ServerLimits;
  log: Logger;
  onListen?(addr: Deno.NetAddr): void;
}

/** Deno's per-connection engine (kept at run time, no longer in the type definitions). */
interface HttpConn {
  nextRequest(): Promise<
    { request: Request; respondWith(response: Response | Promise<Response>): Promise<void> } | null
  >;
  close(): void;
}
type ServeHttp = (conn: Deno.Conn) => HttpConn;

const acceptRetryMs = 100;

function perConnectionEngine(): ServeHttp | undefined {
  const serveHttp = (Deno as unknown as { serveHttp?: unknown }).serveHttp;
  return typeof serveHttp === "function" ? serveHttp as ServeHttp : undefined;
}

export function serveGuarded(options: GuardedServeOptions, handler: Deno.ServeHandler): GuardedServer {
  const { limits, log } = options;
  const failed = (error: unknown) => {
    log.error("http_handler_failed", { error: errorMessage(error) });
    return new Response("Internal Server Error", { status: 500 });
  };
  const serveHttp = perConnectionEngine();
  if (!serveHttp) {
    log.warn("http_limits_unavailable", { reason: "this Deno has no per-connection HTTP engine" });
    const server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      onError: failed,
      onListen: (addr) => options.onListen?.(addr),
    }, handler);
    const none = { open: 0, accepted: 0, refused: 0, timedOut: 0, acceptErrors: 0 };
    return { addr: server.addr, shutdown: () => server.shutdown(), stats: () => none, guarded: false };
  }

  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const open = new Set<HttpConn>();
  /** Connections waiting for their next request head (closed at once on shutdown). */
  const idle = new Set<HttpConn>();
  const perClient = new Map<string, number>();
  const served = new Set<Promise<void>>();
  const stats = { accepted: 0, refused: 0, timedOut: 0, acceptErrors: 0 };
  let stopping = false;

  const refuse = async (conn: Deno.Conn, status: 429 | 503, detail: string) => {
    stats.refused++;
    const body = JSON.stringify({
      type: "urn:kiln:problem:too_many_connections",
      title: status === 429 ? "Too Many Requests" : "Service Unavailable",
      status,
      detail,
      code: "too_many_connections",
    });
    const head = `HTTP/1.1 ${status} ${status === 429 ? "Too Many Requests" : "Service Unavailable"}\r\n` +
      "content-type: application/problem+json\r\nretry-after: 1\r\nconnection: close\r\n" +
      `content-length: ${body.length}\r\n\r\n`;
    try {
      await conn.write(new TextEncoder().encode(head + body));
    } catch { /* the peer is gone already */ }
    try {
      conn.close();
    } catch { /* already closed */ }
  };

  /** Serves one connection request by request, each head within its deadline. */
  const serveConnection = async (conn: Deno.Conn, http: HttpConn) => {
    const remoteAddr = conn.remoteAddr as Deno.NetAddr;
    let first = true;
    while (!stopping) {
      const limit = first ? limits.headersTimeoutMs : limits.keepAliveTimeoutMs;
      idle.add(http);
      const next = await within(http.nextRequest().catch(() => null), limit);
      idle.delete(http);
      if (next === late) {
        if (first) stats.timedOut++;
        return;
      }
      if (!next) return;
      first = false;
      const sent = Promise.withResolvers<void>();
      sent.promise.catch(() => {}); // a client that leaves mid-response is nobody's error
      const info = { remoteAddr, completed: sent.promise };
      const response = Promise.resolve().then(() => handler(next.request, info)).catch(failed);
      // Resolves once the last byte of the response is written: a streaming response keeps its
      // connection busy (and exempt from the idle deadline) for as long as it streams.
      await next.respondWith(response).then(sent.resolve, sent.reject).catch(() => {});
    }
  };

  const admit = (conn: Deno.Conn) => {
    const client = clientKey(conn.remoteAddr);
    const fromClient = perClient.get(client) ?? 0;
    if (open.size >= limits.maxConnections) {
      return void refuse(conn, 503, "The server is at its connection limit; retry shortly.");
    }
    if (
      limits.maxConnectionsPerClient > 0 && client !== "loopback" &&
      fromClient >= limits.maxConnectionsPerClient
    ) {
      return void refuse(conn, 429, "Too many open connections from your address.");
    }
    stats.accepted++;
    perClient.set(client, fromClient + 1);
    try {
      (conn as Deno.TcpConn).setNoDelay?.(true);
      (conn as Deno.TcpConn).setKeepAlive?.(true);
    } catch { /* not a TCP connection */ }
    const http = serveHttp(conn);
    open.add(http);
    const done: Promise<void> = serveConnection(conn, http)
      .catch((error) => log.warn("http_connection_failed", { error: errorMessage(error) }))
      .finally(() => {
        try {
          http.close(); // a no-op after a WebSocket upgrade: the socket lives on in the WebSocket
        } catch { /* already closed */ }
        open.delete(http);
        const left = (perClient.get(client) ?? 1) - 1;
        if (left > 0) perClient.set(client, left);
        else perClient.delete(client);
        served.delete(done);
      });
    served.add(done);
  };

  const acceptLoop = (async () => {
    let lastLogged = -Infinity;
    while (!stopping) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping || error instanceof Deno.errors.BadResource) break;
        stats.acceptErrors++;
        // Out of descriptors (EMFILE/ENFILE) or a transient error: keep serving, retry shortly.
        if (performance.now() - lastLogged > 5_000) {
          lastLogged = performance.now();
          log.error("http_accept_failed", { error: errorMessage(error), open: open.size });
        }
        await sleep(acceptRetryMs);
        continue;
      }
      if (stopping) {
        conn.close();
        break;
      }
      admit(conn);
    }
  })();

  const addr = listener.addr as Deno.NetAddr;
  options.onListen?.(addr);
  return {
    addr,
    guarded: true,
    async shutdown() {
      stopping = true;
      try {
        listener.close();
      } catch { /* already closed */ }
      await acceptLoop;
      for (const http of idle) http.close();
      await Promise.all([...served]);
    },
    stats: () => ({ open: open.size, ...stats }),
  };
}

/** The per-client counting key: the normalised address ("local" for a Unix socket). */
function clientKey(addr: Deno.Addr): string {
  if (addr.transport !== "tcp" && addr.transport !== "udp") return "local";
  return normalizeIp(addr.hostname) ?? addr.hostname;
}

/**
 * Default connection cap: three quarters of the soft descriptor limit (Linux /proc), leaving the
 * rest for the database, blob files and contained child processes; 4,096 where it cannot be read.
 */
export async function defaultMaxConnections(): Promise<number> {
  try {
    const limits = await Deno.readTextFile("/proc/self/limits");
    const match = /^Max open files\s+(\d+)/m.exec(limits);
    if (match) return Math.max(64, Math.floor(Number(match[1]) * 0.75));
  } catch { /* not Linux */ }
  return 4_096;
}
