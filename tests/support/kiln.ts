/**
 * A whole Kiln on the backend under test (`:memory:` KV, or a throwaway Postgres schema) for
 * tests: the real middleware stack, routes and job engine, with
 * `request()` going through `app.request()` (no sockets). Dispose it with `await using`.
 *
 * Every error answer it serves (4xx/5xx bodies) and every failed job's error is checked for the
 * data directory: no error, anywhere in the suite, may tell a caller where the server keeps files.
 */
import { loadConfig } from "../../fresh.config.ts";
import { createKiln, type Kiln } from "../../main.ts";
import { createLogger, type LogFields } from "../../lib/log.ts";
import { testBackendEnv } from "./backend.ts";

export const testAdminToken = "test-admin-token-0123456789abcdef-0123456789";

export interface TestKiln extends Kiln, AsyncDisposable {
  request(path: string, init?: RequestInit & { json?: unknown; admin?: boolean }): Promise<Response>;
  /** Log lines written so far (parsed), for tests that assert on logging. */
  logs: LogFields[];
  /** Serves the app on a free loopback port; closed (live streams first) when the kiln is disposed. */
  listen(): string;
}

export async function testKiln(env: Record<string, string> = {}): Promise<TestKiln> {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-test-" });
  const backend = testBackendEnv();
  const config = loadConfig({
    ...backend.env,
    KILN_DATA_DIR: dataDir,
    KILN_ADMIN_TOKEN: testAdminToken,
    KILN_ACCESS_LOG: "false",
    KILN_SHUTDOWN_GRACE_MS: "0",
    ...env,
  });
  const logs: LogFields[] = [];
  const log = createLogger({ level: "debug", sink: (line) => logs.push(JSON.parse(line)) });
  const kiln = await createKiln(config, { log });
  const servers: Deno.HttpServer[] = [];
  const leaks: string[] = [];
  const inspect = async (response: Response): Promise<Response> => {
    if (response.status >= 400 && response.body) {
      const text = await response.clone().text();
      if (text.includes(dataDir)) leaks.push(`${response.status}: ${text.slice(0, 300)}`);
    }
    return response;
  };
  return {
    ...kiln,
    logs,
    listen() {
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        async (request, info) => await inspect(await kiln.app.fetch(request, info)),
      );
      servers.push(server);
      return `http://127.0.0.1:${server.addr.port}`;
    },
    request(path, init = {}) {
      return Promise.resolve(kiln.app.request(path, testRequestInit(init))).then(inspect);
    },
    async [Symbol.asyncDispose]() {
      for (const job of await kiln.services.jobs.listFailed({ limit: 500 }).catch(() => [])) {
        if (JSON.stringify(job.error ?? {}).includes(dataDir)) {
          leaks.push(`job ${job.kind}: ${job.error?.message}`);
        }
      }
      await kiln.services.live.close(); // ends open streams, so the servers can drain
      for (const server of servers) await server.shutdown();
      await kiln.close();
      await backend.cleanup();
      await Deno.remove(dataDir, { recursive: true });
      if (leaks.length > 0) throw new Error(`errors named the server's data directory:\n${leaks.join("\n")}`);
    },
  };
}

/** `json` becomes a JSON POST body, `admin` the admin bearer token; the rest is plain RequestInit. */
export function testRequestInit(init: RequestInit & { json?: unknown; admin?: boolean }): RequestInit {
  const { json, admin, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) {
    headers.set("content-type", "application/json");
    rest.body = JSON.stringify(json);
    rest.method ??= "POST";
  }
  if (admin) headers.set("authorization", `Bearer ${testAdminToken}`);
  return { ...rest, headers };
}
