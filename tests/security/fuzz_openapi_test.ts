/**
 * Malformed requests at every operation of /openapi.json, over real sockets to a real server
 * process, with and without the credentials each operation accepts: hostile path parameters
 * (prototype names, long, encoded), hostile query strings, and bodies that are truncated, deeply
 * nested, prototype-keyed, of the wrong type or media type, or plain garbage. Bounded: a fixed set
 * of cases per operation. Not one answer may be a 5xx, and the server must still answer /health.
 */
import assert from "node:assert/strict";
import { startServerProcess } from "../support/server_process.ts";
import { testAdminToken } from "../support/kiln.ts";

const secrets = {
  DISPLAY_SERVICE_TOKEN: "fuzz-display-service-token-0123456789abcdef",
  THEME_API_TOKEN: "fuzz-theme-api-token-0123456789abcdef-012345",
  PREPROCESS_SERVICE_TOKEN: "fuzz-preprocess-service-token-0123456789ab",
  ENGINE_ADMIN_KEY: "fuzz-engine-admin-key-0123456789abcdef-0123",
  ENGINE_JWT_SECRET: "fuzz-engine-jwt-secret-0123456789abcdef-012",
  TTT_SHARED_SECRET: "fuzz-ttt-shared-secret-0123456789",
};

interface Operation {
  method: string;
  path: string;
  security: string[];
}

const deep = "[".repeat(5_000) + "]".repeat(5_000);
const deepJson =
  `{"type":"confirmation","data":{"title":"t","items":${deep}},"args":${deep},"payload":${deep}}`;
const bodies: { type: string; body: BodyInit }[] = [
  { type: "application/json", body: "{" },
  { type: "application/json", body: deepJson },
  {
    type: "application/json",
    body: '{"__proto__":{"admin":true},"constructor":{"prototype":{}},"type":"constructor"}',
  },
  {
    type: "application/json",
    body: '{"type":"toString","data":{"__proto__":null},"tenantId":"__proto__","args":{}}',
  },
  { type: "application/json", body: "[]" },
  { type: "application/json", body: "null" },
  {
    type: "application/json",
    body: `{"url":"http://[::ffff:7f00:1]/a","amount":1e999,"userId":"${"x".repeat(5_000)}"}`,
  },
  { type: "text/plain", body: "hello" },
  {
    type: "multipart/form-data; boundary=zzz",
    body: '--zzz\r\nContent-Disposition: form-data; name="document"',
  },
  { type: "application/octet-stream", body: crypto.getRandomValues(new Uint8Array(2_048)) },
];
const pathValues = ["constructor", "__proto__", "x".repeat(400), "%00", "new", "1e309"];
const queries = ["", "?limit=-1&kind=__proto__&after=NaN&detail=constructor", `?${"q=1&".repeat(500)}`];

async function mintCredentials(url: string): Promise<Record<string, Record<string, string>>> {
  const adminKey = { "x-api-key": secrets.ENGINE_ADMIN_KEY };
  const minted = await fetch(`${url}/v1/admin/users/fuzzer/token`, {
    method: "POST",
    headers: { ...adminKey, "content-type": "application/json" },
    body: "{}",
  });
  const userToken = (await minted.json()).token as string;
  await (await fetch(`${url}/v1/credits/add`, {
    method: "POST",
    headers: { ...adminKey, "content-type": "application/json" },
    body: JSON.stringify({ userId: "fuzzer", amount: 50 }),
  })).body?.cancel();
  const vended = await (await fetch(`${url}/v1/vend-token`, {
    method: "POST",
    headers: { authorization: `Bearer ${userToken}`, "content-type": "application/json" },
    body: "{}",
  })).json();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    admin: bearer(testAdminToken),
    "display-service": bearer(secrets.DISPLAY_SERVICE_TOKEN),
    "theme-admin": bearer(secrets.THEME_API_TOKEN),
    "preprocess-service": bearer(secrets.PREPROCESS_SERVICE_TOKEN),
    "engine-admin": adminKey,
    user: bearer(userToken),
    service: bearer(vended.token ?? vended.serviceToken ?? "none"),
    "tttranscribe-engine": { "x-engine-auth": secrets.TTT_SHARED_SECRET },
  };
}

function operationsOf(
  document: { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> },
) {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const security = (operation.security ?? []).flatMap((option) => Object.keys(option));
      operations.push({ method: method.toUpperCase(), path, security });
    }
  }
  return operations;
}

Deno.test("every /openapi.json operation answers hostile requests with 2xx–4xx; the server stays up", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kiln-fuzz-" });
  const server = await startServerProcess(dataDir, {
    ...secrets,
    KILN_MAX_CONNECTIONS_PER_IP: "0",
    KILN_BODY_TIMEOUT_MS: "5000",
  });
  try {
    const { url } = server;
    const credentials = await mintCredentials(url);
    const operations = operationsOf(await (await fetch(`${url}/openapi.json`)).json());
    assert.ok(operations.length > 50, `only ${operations.length} operations`);
    const failures: string[] = [];
    let sent = 0;
    const send = async (method: string, target: string, headers: Record<string, string>, body?: BodyInit) => {
      sent++;
      const shown = `${method} ${target.slice(0, 120)}`;
      try {
        const response = await fetch(`${url}${target}`, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel();
        if (response.status >= 500) failures.push(`${shown} → ${response.status}`);
      } catch (error) {
        failures.push(`${shown}: ${error}`);
      }
    };
    const withParams = (path: string, value: string) =>
      path.replace(/\{[^}]+\}/g, encodeURIComponent(value).replaceAll("%25", "%"));
    for (const [index, operation] of operations.entries()) {
      // Declared credentials first; routes that check credentials in their handler get every kind.
      const declared = operation.security.filter((kind) => credentials[kind]).map((kind) =>
        credentials[kind]
      );
      const authOptions = [
        {},
        { authorization: "Bearer " + "A".repeat(8_000) },
        ...(declared.length > 0 ? declared : Object.values(credentials)),
      ];
      const hasBody = operation.method !== "GET" && operation.method !== "DELETE";
      const cases = hasBody ? 14 : 6;
      for (let n = 0; n < cases; n++) {
        const path = withParams(operation.path, pathValues[(index + n) % pathValues.length]);
        const headers: Record<string, string> = { ...authOptions[n % authOptions.length] };
        let body: BodyInit | undefined;
        if (hasBody) {
          const chosen = bodies[n % bodies.length];
          headers["content-type"] = chosen.type;
          headers["idempotency-key"] = `fuzz-${n % 3}`;
          body = chosen.body;
        }
        await send(operation.method, `${path}${queries[n % queries.length]}`, headers, body);
      }
      // Every hostile path value once more, past authentication, so it reaches the handler.
      if (operation.path.includes("{")) {
        for (const value of pathValues) {
          const headers: Record<string, string> = { ...(declared[0] ?? {}) };
          if (hasBody) headers["content-type"] = "application/json";
          await send(
            operation.method,
            withParams(operation.path, value),
            headers,
            hasBody ? "{}" : undefined,
          );
        }
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed`);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    assert.ok(sent > 500);
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
