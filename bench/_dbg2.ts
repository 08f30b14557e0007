const enc = new TextEncoder();
const server = Deno.serve({ port: 0, onListen() {} }, () => {
  const body = new ReadableStream({
    start(c) {
      c.enqueue(enc.encode("event: job\ndata: {}\n\n"));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
});
const variant = Deno.args[0];
const aborts: AbortController[] = [];
const readers: Promise<void>[] = [];
for (let k = 0; k < Number(Deno.args[1] ?? 1); k++) {
  const abort = new AbortController();
  aborts.push(abort);
  const response = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
    signal: abort.signal,
    headers: variant === "h" ? { accept: "text/event-stream" } : {},
  });
  const body = response.body!;
  readers.push((async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        const now = performance.now();
        decoder.decode(chunk, { stream: true });
      }
      console.log("ended");
    } catch (e) {
      console.log("caught", String(e));
    }
  })());
}
await new Promise((r) => setTimeout(r, 200));
for (const a of aborts) a.abort();
console.log("aborted");
await Promise.all(readers);
console.log("reader done");
await server.shutdown();
console.log("shutdown");
