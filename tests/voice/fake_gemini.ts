/**
 * A loopback Live API (`BidiGenerateContent`) for tests, speaking the real wire protocol: `setup` →
 * `setupComplete`; `clientContent` / `realtimeInput` up; `serverContent` (model audio as base64
 * 24 kHz PCM, input/output transcriptions, `interrupted`, `turnComplete`) and `toolCall` down,
 * `toolResponse` back. A tiny scripted "model" decides what to do from the user's words, and an
 * OAuth token endpoint verifies Vertex service-account assertions.
 */
import { importSPKI, jwtVerify } from "jose";
import { fromBase64, toBase64 } from "../../lib/hmac.ts";

// deno-lint-ignore no-explicit-any
export type Json = Record<string, any>;

export interface FakeConnection {
  url: URL;
  headers: Headers;
  setup?: Json;
  /** Every client message after setup, in order. */
  messages: Json[];
  socket: WebSocket;
  /** The model is mid-reply (a caller's audio now interrupts it). */
  speaking?: boolean;
}

export interface FakeGeminiOptions {
  /** Never answer `setup` (to test the setup timeout). */
  silent?: boolean;
  /** Close new connections during setup from this connection number on (1-based). */
  refuseFrom?: number;
  /** The public key (SPKI PEM) that service-account assertions must be signed with. */
  servicePublicKey?: string;
}

export interface FakeGemini extends AsyncDisposable {
  url: string;
  tokenUri: string;
  connections: FakeConnection[];
  tokenRequests: Json[];
  /** Resolves when the `n`th connection (1-based) has completed setup. */
  connected(n: number): Promise<FakeConnection>;
  /** Resolves when a client message matching `test` has arrived on any connection. */
  received(test: (message: Json) => boolean): Promise<Json>;
}

/** 24 kHz PCM16 tone: what the fake model "says" (`ms` long). */
export function modelSpeech(ms: number): Uint8Array {
  const samples = new Int16Array((24_000 * ms) / 1000);
  for (let index = 0; index < samples.length; index++) {
    samples[index] = Math.round(8_000 * Math.sin(index / 10));
  }
  return new Uint8Array(samples.buffer);
}

export function fakeGemini(options: FakeGeminiOptions = {}): FakeGemini {
  const connections: FakeConnection[] = [];
  const tokenRequests: Json[] = [];
  const watchers = new Set<() => void>();
  const notify = () => [...watchers].forEach((watch) => watch());
  const waitFor = <T>(probe: () => T | undefined) =>
    new Promise<T>((resolve) => {
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          watchers.delete(check);
          resolve(value);
        }
      };
      watchers.add(check);
      check();
    });

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/token") return await token(request);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("no", { status: 400 });
    }
    const headers = new Headers(request.headers); // unreadable once upgraded
    const { socket, response } = Deno.upgradeWebSocket(request);
    const connection: FakeConnection = { url, headers, messages: [], socket };
    connections.push(connection);
    const number = connections.length;
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data as string) as Json;
      if (message.setup) {
        if (options.refuseFrom && number >= options.refuseFrom) return socket.close(1011, "unavailable");
        connection.setup = message.setup;
        if (!options.silent) socket.send(new TextEncoder().encode(JSON.stringify({ setupComplete: {} }))); // binary, as Google sends
      } else {
        connection.messages.push(message);
        model(connection, message);
      }
      notify();
    };
    return response;
  });

  async function token(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    const assertion = form.get("assertion") ?? "";
    try {
      const key = await importSPKI(options.servicePublicKey ?? "", "RS256");
      const { payload } = await jwtVerify(assertion, key, { audience: `${base}/token` });
      tokenRequests.push({ grantType: form.get("grant_type"), ...payload });
      notify();
      return Response.json({
        access_token: "ya29.fake-access-token",
        expires_in: 3600,
        token_type: "Bearer",
      });
    } catch {
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    }
  }

  /** The scripted model: reacts to what the user said (typed, or "heard" from audio). */
  function model(connection: FakeConnection, message: Json) {
    const send = (payload: Json) => connection.socket.send(JSON.stringify(payload));
    const speak = (text: string, ms: number) => {
      const audio = modelSpeech(ms);
      for (let offset = 0; offset < audio.length; offset += 9_600) {
        send({
          serverContent: {
            modelTurn: {
              parts: [{
                inlineData: {
                  mimeType: "audio/pcm;rate=24000",
                  data: toBase64(audio.subarray(offset, offset + 9_600)),
                },
              }],
            },
          },
        });
      }
      send({ serverContent: { outputTranscription: { text } } });
    };
    const said = message.clientContent?.turns?.[0]?.parts?.[0]?.text as string | undefined;
    if (message.realtimeInput?.audio) {
      const bytes = fromBase64(message.realtimeInput.audio.data).length;
      if (connection.speaking && bytes > 0) {
        // The caller talks over the model: stop, as the Live API does.
        connection.speaking = false;
        send({ serverContent: { interrupted: true } });
        send({ serverContent: { turnComplete: true } });
      }
      return;
    }
    if (message.realtimeInput?.audioStreamEnd) {
      send({ serverContent: { inputTranscription: { text: "two garlic" } } });
      send({ serverContent: { inputTranscription: { text: " naan" } } });
      return order(send);
    }
    if (message.toolResponse) {
      speak("Two garlic naan added. Anything else?", 600);
      return send({ serverContent: { turnComplete: true } });
    }
    if (!said) return;
    if (said.includes("naan")) return order(send);
    if (said.includes("everything")) {
      connection.speaking = true;
      return speak("We have a great many dishes, starting with", 5_000); // no turnComplete: still talking
    }
    if (said.includes("hang up")) return connection.socket.close(1011, "internal error");
  }

  function order(send: (payload: Json) => void) {
    send({
      toolCall: {
        functionCalls: [{
          id: "fc-1",
          name: "add_to_cart_verbal",
          args: { itemId: "garlic-naan", quantity: 2 },
        }],
      },
    });
  }

  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    url:
      `ws://127.0.0.1:${server.addr.port}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent`,
    tokenUri: `${base}/token`,
    connections,
    tokenRequests,
    connected: (n) => waitFor(() => connections[n - 1]?.setup ? connections[n - 1] : undefined),
    received: (test) => waitFor(() => connections.flatMap((connection) => connection.messages).find(test)),
    async [Symbol.asyncDispose]() {
      for (const connection of connections) {
        if (connection.socket.readyState === WebSocket.OPEN) connection.socket.close();
      }
      await server.shutdown();
    },
  };
}
