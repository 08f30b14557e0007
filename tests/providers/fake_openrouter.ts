/**
 * A loopback OpenRouter: POST /chat/completions with Bearer auth, OpenAI-shaped answers with usage.
 * Tests script failures (`failures`: statuses to answer first), hold answers (`gate`) and read the
 * requests it saw. By default it answers with a plain script of the word count the prompt asks for.
 */
export interface FakeOpenRouter extends AsyncDisposable {
  url: string;
  requests: {
    authorization: string | null;
    body: { model: string; messages: { role: string; content: string }[] };
  }[];
  /** Statuses to answer (in order) before answering normally, e.g. [429]. */
  failures: number[];
  /** When set, answers wait for it. */
  gate?: Promise<void>;
  /** Overrides the generated script. */
  reply?: (body: { messages: { role: string; content: string }[] }) => string;
}

const words = "The document explains how solar panels work and why they matter for clean energy".split(" ");

export function fakeOpenRouter(apiKey = "test-openrouter-key"): FakeOpenRouter {
  const fake: FakeOpenRouter = {
    url: "",
    requests: [],
    failures: [],
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/api/v1/chat/completions") {
      return Response.json({ error: { message: "Not found", code: 404 } }, { status: 404 });
    }
    const body = await request.json();
    fake.requests.push({ authorization: request.headers.get("authorization"), body });
    if (request.headers.get("authorization") !== `Bearer ${apiKey}`) {
      return Response.json({ error: { message: "No auth credentials found", code: 401 } }, { status: 401 });
    }
    const failure = fake.failures.shift();
    if (failure) {
      return Response.json({ error: { message: "Rate limit exceeded", code: failure } }, { status: failure });
    }
    if (fake.gate) await fake.gate;
    const wanted = Number(
      body.messages.map((message: { content: string }) => message.content).join(" ")
        .match(/about (\d+) words/g)?.at(-1)?.match(/\d+/)?.[0] ?? 120,
    );
    const text = fake.reply?.(body) ??
      Array.from({ length: Math.ceil(wanted / words.length) }, () => words.join(" ") + ".").join(" ");
    return Response.json({
      id: "gen-test",
      object: "chat.completion",
      model: body.model,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: text } }],
      usage: { prompt_tokens: 900, completion_tokens: 200, total_tokens: 1100 },
    });
  });
  fake.url = `http://127.0.0.1:${server.addr.port}/api/v1`;
  return fake;
}
