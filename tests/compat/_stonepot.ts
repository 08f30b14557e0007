/**
 * Replays Stonepot's recorded display calls (fixtures/stonepot_*.json: request shapes copied from
 * its DisplayApiClient and callers) against a Kiln with only the base URL and the token changed.
 */
import type { TestKiln } from "../support/kiln.ts";

export interface StonepotCall {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** Texts the card of this update must show. */
  shows?: string[];
  /** Text of the transcript bubble this update must add. */
  transcript?: string;
  image?: string;
  link?: string;
}

export interface StonepotFixture {
  tenant: { tenantId: string; currency: string };
  calls: StonepotCall[];
}

/** The fixture with `{sessionId}` and `{imageBase}` filled in. */
export async function loadCalls(
  name: string,
  values: { sessionId: string; imageBase: string },
): Promise<StonepotFixture> {
  const raw = await Deno.readTextFile(new URL(`./fixtures/${name}.json`, import.meta.url));
  const filled = raw.replaceAll("{sessionId}", values.sessionId).replaceAll("{imageBase}", values.imageBase);
  return JSON.parse(filled);
}

/** Sends one call as Stonepot's client does: JSON, `Authorization: Bearer <token>`. */
export function send(kiln: TestKiln, call: StonepotCall, token: string): Promise<Response> {
  return kiln.request(call.path, {
    method: call.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(call.body ? { "content-type": "application/json" } : {}),
    },
    body: call.body ? JSON.stringify(call.body) : undefined,
  });
}

/** A stand-in for Stonepot's image CDN: every path is a small SVG dish picture. */
export function fakeImageCdn() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180">` +
    `<rect width="320" height="180" fill="#b4461f"/><circle cx="160" cy="90" r="60" fill="#e0a526"/></svg>`;
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    requests.push(new URL(request.url).pathname);
    return new Response(svg, { headers: { "content-type": "image/svg+xml" } });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}/images`,
    requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
