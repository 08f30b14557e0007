/**
 * Shared set-up of the voice tests: a Kiln served on loopback with known tokens, a session on the
 * demo curry house, and a voice-socket client that records JSON messages and counts speech bytes.
 */
import { asService, conversationKiln } from "../conversation/_helpers.ts";
import type { TestKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";
import { deadline } from "../support/wait.ts";

// deno-lint-ignore no-explicit-any
export type Message = Record<string, any>;

const install = "apt-get install -y --no-install-recommends pocketsphinx pocketsphinx-en-us flite espeak-ng";
const libraryDirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];

/** Tests that speak need the recogniser library, its model, flite and espeak-ng (ignored without). */
export function speechTools(): { ignore: boolean } {
  const tools = [
    systemTool("libpocketsphinx", libraryDirs.map((dir) => `${dir}/libpocketsphinx.so.3`), install),
    systemTool("pocketsphinx-en-us", ["/usr/share/pocketsphinx/model/en-us/en-us/mdef"], install),
    systemTool("flite", ["/usr/bin/flite", "/usr/local/bin/flite"], install),
    systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install),
  ];
  return { ignore: tools.some((tool) => tool.ignore) };
}

export interface VoiceKiln {
  kiln: TestKiln;
  baseUrl: string;
}

export async function voiceKiln(env: Record<string, string> = {}): Promise<VoiceKiln & AsyncDisposable> {
  const kiln = await conversationKiln({ VOICE_AUDIO_RATE_LIMIT: "50", ...env });
  const baseUrl = kiln.listen();
  return { kiln, baseUrl, [Symbol.asyncDispose]: () => kiln[Symbol.asyncDispose]() };
}

export interface StartedSession {
  sessionId: string;
  tenantId: string;
  writeToken: string;
  voiceUrl: string;
  displayUrl: string;
}

/** A voice session on the demo tenant (or `tenantId`), through the public route the page uses. */
export async function startSession(kiln: TestKiln, tenantId?: string): Promise<StartedSession> {
  const response = await kiln.request("/api/voice/sessions", { json: tenantId ? { tenantId } : {} });
  if (response.status !== 201) throw new Error(`session failed: ${response.status} ${await response.text()}`);
  return await response.json();
}

/** The voice URL with the test server's address (the configured public URL is not listening). */
export function socketUrl(voice: VoiceKiln, session: StartedSession, token = session.writeToken): string {
  const url = new URL(`${voice.baseUrl.replace(/^http/, "ws")}/ws/restaurant/${session.sessionId}`);
  if (token) url.searchParams.set("token", token);
  return url.href;
}

export interface VoiceClient {
  socket: WebSocket;
  messages: Message[];
  /** Bytes of assistant speech received. */
  audioBytes(): number;
  send(message: unknown): void;
  sendAudio(samples: Int16Array, options?: { chunkSamples?: number }): void;
  /** Resolves when a message satisfying `test` has arrived (at or after index `from`). */
  next(
    test: (message: Message) => boolean,
    what: string,
    options?: { from?: number; ms?: number },
  ): Promise<Message>;
  close(): Promise<CloseEvent>;
  closed: Promise<CloseEvent>;
}

/** Opens a voice socket; `headers` (a Deno extension) carries a Bearer token like a server client would. */
export async function connectVoice(url: string, headers?: Record<string, string>): Promise<VoiceClient> {
  const socket = new WebSocket(url, headers ? { headers } as unknown as string[] : undefined);
  socket.binaryType = "arraybuffer";
  const messages: Message[] = [];
  let audio = 0;
  const waiters = new Set<() => void>();
  const closed = Promise.withResolvers<CloseEvent>();
  socket.onmessage = (event) => {
    if (typeof event.data === "string") messages.push(JSON.parse(event.data));
    else audio += (event.data as ArrayBuffer).byteLength;
    for (const waiter of [...waiters]) waiter();
  };
  socket.onclose = (event) => {
    closed.resolve(event);
    for (const waiter of [...waiters]) waiter();
  };
  const opened = Promise.withResolvers<void>();
  socket.onopen = () => opened.resolve();
  socket.onerror = () => opened.reject(new Error("the voice socket failed to open"));
  await deadline(opened.promise, "the voice socket to open");
  return {
    socket,
    messages,
    closed: closed.promise,
    audioBytes: () => audio,
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    sendAudio(samples, options = {}) {
      const chunk = options.chunkSamples ?? 1_600;
      for (let offset = 0; offset < samples.length; offset += chunk) {
        socket.send(samples.slice(offset, offset + chunk));
      }
    },
    next(test, what, options = {}) {
      const from = options.from ?? 0;
      const find = () => messages.slice(from).find(test);
      const found = find();
      if (found) return Promise.resolve(found);
      const arrived = new Promise<Message>((resolve, reject) => {
        const check = () => {
          const message = find();
          if (message) {
            waiters.delete(check);
            resolve(message);
          } else if (socket.readyState === WebSocket.CLOSED) {
            waiters.delete(check);
            reject(
              new Error(`socket closed while waiting for ${what}: ${JSON.stringify(messages.slice(-5))}`),
            );
          }
        };
        waiters.add(check);
      });
      return deadline(
        arrived,
        () => `${what} (last: ${JSON.stringify(messages.slice(-4))})`,
        options.ms ?? 5_000,
      );
    },
    async close() {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, "test done");
      return await deadline(closed.promise, "the voice socket to close");
    },
  };
}

/** `session_started` arrives once the agent is ready: the socket is usable from then on. */
export async function openVoice(voice: VoiceKiln, session: StartedSession): Promise<VoiceClient> {
  const client = await connectVoice(socketUrl(voice, session));
  await client.next((message) => message.type === "session_started", "session_started");
  return client;
}

/** A Kiln, a voice session on the demo restaurant and its open socket; disposing closes all three. */
export async function voiceScene(env: Record<string, string> = {}) {
  const voice = await voiceKiln(env);
  const session = await startSession(voice.kiln);
  const client = await openVoice(voice, session);
  return {
    ...voice,
    session,
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      await voice[Symbol.asyncDispose]();
    },
  };
}

/** One user turn by text: resolves with the assistant's final reply. */
export async function say(client: VoiceClient, text: string): Promise<string> {
  const from = client.messages.length;
  client.send({ type: "text", text });
  await client.next((message) => message.type === "turn_complete", `the reply to "${text}"`, { from });
  const reply = client.messages.slice(from).find((message) =>
    message.type === "transcript" && message.speaker === "assistant" && message.isFinal
  );
  return reply?.text ?? "";
}

/** The restaurant session as the service sees it (cart, totals, customer, order). */
export async function restaurantState(kiln: TestKiln, sessionId: string): Promise<Message> {
  const response = await kiln.request(`/api/restaurant/sessions/${sessionId}`, { headers: asService });
  if (!response.ok) throw new Error(`session read failed: ${response.status}`);
  return await response.json();
}

/** The display's state (transcripts and cards), read with the session's display token. */
export async function displayState(kiln: TestKiln, session: StartedSession): Promise<Message> {
  const token = new URL(session.displayUrl).searchParams.get("token")!;
  const response = await kiln.request(`/conversation/${session.sessionId}/state?token=${token}`);
  if (!response.ok) throw new Error(`display read failed: ${response.status}`);
  return await response.json();
}
