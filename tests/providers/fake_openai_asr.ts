/**
 * A loopback OpenAI-compatible speech-to-text API (`POST /v1/audio/transcriptions`, multipart
 * `file` + `model`, Bearer `sk-test`) answering verbose_json with segments and words, as the real
 * API does: fast enough for load tests, faithful enough for the adapter's contract.
 */
export interface FakeAsr extends AsyncDisposable {
  url: string;
  calls: {
    path: string;
    authorization: string | null;
    contentType: string | null;
    bytes: number;
    model?: string;
    granularities?: string[];
  }[];
}

export function fakeOpenAi(): FakeAsr {
  const calls: FakeAsr["calls"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path !== "/v1/audio/transcriptions") {
      return Response.json({ error: { message: "not found" } }, { status: 404 });
    }
    if (request.headers.get("authorization") !== "Bearer sk-test") {
      return Response.json({ error: { message: "Incorrect API key", type: "invalid_request_error" } }, {
        status: 401,
      });
    }
    const form = await request.formData();
    const file = form.get("file");
    calls.push({
      path,
      authorization: request.headers.get("authorization"),
      contentType: request.headers.get("content-type"),
      bytes: file instanceof File ? file.size : 0,
      model: String(form.get("model")),
      granularities: form.getAll("timestamp_granularities[]").map(String),
    });
    if (!(file instanceof File)) {
      return Response.json({ error: { message: "file is required" } }, { status: 400 });
    }
    // verbose_json with both granularities, as OpenAI's API answers it.
    return Response.json({
      task: "transcribe",
      language: "english",
      duration: 2.9,
      text: "Go forward ten meters.",
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0.46,
          end: 1.16,
          text: " Go forward",
          avg_logprob: -0.1,
          no_speech_prob: 0.01,
        },
        {
          id: 1,
          seek: 0,
          start: 1.17,
          end: 2.11,
          text: " ten meters.",
          avg_logprob: -0.3,
          no_speech_prob: 0.01,
        },
      ],
      words: [
        { word: "Go", start: 0.46, end: 0.63 },
        { word: "forward", start: 0.64, end: 1.16 },
        { word: "ten", start: 1.17, end: 1.52 },
        { word: "meters", start: 1.53, end: 2.11 },
      ],
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    calls,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
