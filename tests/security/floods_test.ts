/**
 * Connection floods against the real server process on loopback, bounded in count and time:
 * slowloris heads are cut at the header deadline while /health keeps answering, the connection caps
 * refuse newcomers with a problem instead of exhausting the process, and running out of file
 * descriptors leaves the process alive and serving again once the flood leaves.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServerProcess } from "../support/server_process.ts";
import { waitFor } from "../support/wait.ts";

const encoder = new TextEncoder();

async function withServer(
  env: Record<string, string>,
  run: (server: ServerProcess) => Promise<void>,
  options: { maxOpenFiles?: number } = {},
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-flood-" });
  const server = await startServerProcess(dataDir, { KILN_MAX_CONNECTIONS_PER_IP: "0", ...env }, options);
  try {
    await run(server);
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** Opens `count` raw connections to the server, each sending `head` (possibly unfinished). */
async function openConnections(url: string, count: number, head = ""): Promise<Deno.TcpConn[]> {
  const { hostname, port } = new URL(url);
  const connections: Deno.TcpConn[] = [];
  for (let i = 0; i < count; i++) {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    if (head) await conn.write(encoder.encode(head));
    connections.push(conn);
  }
  return connections;
}

/** Resolves when the server ends the connection (EOF or reset); returns what it sent first. */
async function serverEnds(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  try {
    while (true) {
      const read = await conn.read(buffer);
      if (read === null) return text;
      text += new TextDecoder().decode(buffer.subarray(0, read));
    }
  } catch {
    return text;
  }
}

function closeAll(connections: Deno.Conn[]): void {
  for (const conn of connections) {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

/** GET /health on a fresh connection; its status and how long it took. */
async function health(url: string): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
  const body = await response.json();
  return { status: response.status, ms: performance.now() - started, body };
}

Deno.test("slowloris: 200 dribbled request heads are closed at the header deadline while /health answers", async () => {
  await withServer({ KILN_HEADERS_TIMEOUT_MS: "3000" }, async ({ url }) => {
    const connections = await openConnections(url, 200, "GET /health HTTP/1.1\r\nHost: kiln\r\n");
    const dribble = setInterval(() => {
      for (const conn of connections) conn.write(encoder.encode("X-Slow: 1\r\n")).catch(() => {});
    }, 250);
    try {
      const started = performance.now();
      let headsCut = 0;
      const ended = Promise.all(connections.map((conn) => serverEnds(conn).finally(() => headsCut++)));
      // Every probe answers while the 200 heads are still held open (none cut yet): the flood does
      // not queue /health behind it.
      for (let i = 0; i < 3; i++) {
        const probe = await health(url);
        assert.equal(probe.status, 200);
        assert.equal(headsCut, 0, `/health answered only after the heads were cut (${probe.ms} ms)`);
      }
      await ended;
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 10_000, `heads were held for ${elapsed} ms`);
      const after = await health(url);
      const http = (after.body.checks as Record<string, { timedOut: number; open: number }>).http;
      assert.ok(http.timedOut >= 200, `timedOut ${http.timedOut}`);
    } finally {
      clearInterval(dribble);
      closeAll(connections);
    }
  });
});

Deno.test("past KILN_MAX_CONNECTIONS a new connection gets a 503 problem; capacity returns when the flood leaves", async () => {
  await withServer({ KILN_MAX_CONNECTIONS: "40", KILN_HEADERS_TIMEOUT_MS: "30000" }, async ({ url }) => {
    const idle = await openConnections(url, 40);
    const [extra] = await openConnections(url, 1, "GET /health HTTP/1.1\r\nHost: kiln\r\n\r\n");
    try {
      const answer = await serverEnds(extra);
      assert.match(answer, /^HTTP\/1\.1 503 /);
      assert.match(answer, /"code":"too_many_connections"/);
    } finally {
      closeAll([...idle, extra]);
    }
    const recovered = await waitFor("/health after the flood", async () => {
      const probe = await health(url).catch(() => undefined);
      return probe?.status === 200 ? probe : undefined;
    }, 10_000);
    const http = (recovered.body.checks as Record<string, { refused: number }>).http;
    assert.ok(http.refused >= 1);
  });
});

Deno.test("past KILN_MAX_CONNECTIONS_PER_IP one address gets a 429 problem", async () => {
  await withServer(
    { KILN_MAX_CONNECTIONS_PER_IP: "20", KILN_HEADERS_TIMEOUT_MS: "30000" },
    async ({ url }) => {
      const idle = await openConnections(url, 20);
      const [extra] = await openConnections(url, 1);
      try {
        assert.match(await serverEnds(extra), /^HTTP\/1\.1 429 [\s\S]*too_many_connections/);
      } finally {
        closeAll([...idle, extra]);
      }
    },
  );
});

Deno.test("out of file descriptors (ulimit -n 128, 300 connections) the process stays up and serves again", async () => {
  await withServer(
    { KILN_MAX_CONNECTIONS: "100000", KILN_HEADERS_TIMEOUT_MS: "30000" },
    async (server) => {
      const flood = await openConnections(server.url, 300);
      try {
        await waitFor(
          "the server to report accept() failing",
          () => server.lines.some((line) => line.event === "http_accept_failed"),
          10_000,
        );
        const exited = await Promise.race([
          server.child.status.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500)),
        ]);
        assert.equal(exited, false, "the server process exited when descriptors ran out");
      } finally {
        closeAll(flood);
      }
      const probe = await waitFor("/health after the flood", async () => {
        const answer = await health(server.url).catch(() => undefined);
        return answer?.status === 200 ? answer : undefined;
      }, 15_000);
      assert.ok((probe.body.checks as Record<string, { acceptErrors: number }>).http.acceptErrors > 0);
    },
    { maxOpenFiles: 128 },
  );
});

Deno.test("idle deadlines never cut a live stream: SSE and WebSocket clients outlive the keep-alive timeout", async () => {
  const serviceToken = "flood-test-display-service-token-0123456789";
  const env = {
    KILN_HEADERS_TIMEOUT_MS: "800",
    KILN_KEEP_ALIVE_TIMEOUT_MS: "800",
    KILN_LIVE_HEARTBEAT_MS: "60000",
    DISPLAY_SERVICE_TOKEN: serviceToken,
  };
  await withServer(env, async ({ url }) => {
    const auth = { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" };
    const init = await (await fetch(`${url}/conversation/new/init`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ tenantId: "flood" }),
    })).json();
    const readToken = new URL(init.displayUrl).searchParams.get("token");
    const published = new URL(init.websocketUrl); // on the configured public URL; connect to the real port
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}${published.pathname}${published.search}`);
    const received: string[] = [];
    socket.onmessage = (event) => received.push(String(event.data));
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const sse = await fetch(`${url}/conversation/${init.sessionId}/display?token=${readToken}`, {
      headers: { accept: "text/event-stream" },
    });
    const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      // An ordinary keep-alive connection is closed at its idle deadline: that much time has passed.
      const [plain] = await openConnections(url, 1, "GET /health HTTP/1.1\r\nHost: kiln\r\n\r\n");
      assert.match(await serverEnds(plain), /^HTTP\/1\.1 200 /);
      closeAll([plain]);

      const posted = await fetch(`${url}/conversation/${init.sessionId}/update`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ type: "confirmation", data: { title: "still here" } }),
      });
      assert.equal(posted.status, 201);
      await posted.body?.cancel();
      let text = "";
      while (!text.includes("still here")) {
        const { value, done } = await reader.read();
        assert.ok(!done, "the SSE stream was cut");
        text += value;
      }
      await waitFor("the WebSocket update", () => received.some((message) => message.includes("still here")));
      assert.equal(socket.readyState, WebSocket.OPEN);
    } finally {
      await reader.cancel();
      const closed = new Promise((resolve) => (socket.onclose = resolve));
      socket.close();
      await closed;
    }
  });
});
