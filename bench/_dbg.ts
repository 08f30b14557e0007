import { SseFleet } from "./live_clients.ts";
const enc = new TextEncoder();
const server = Deno.serve({ port: 0, onListen() {} }, () => {
  const body = new ReadableStream({
    start(c) {
      c.enqueue(enc.encode("event: job\ndata: {}\n\n"));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
});
const fleet = new SseFleet({
  url: `http://127.0.0.1:${server.addr.port}/`,
  clients: 2,
  warmupEvents: 0,
  totalEvents: 1,
  connectConcurrency: 1,
});
await fleet.connect();
console.log("connect returned");
await fleet.connected.done;
console.log("connected");
setTimeout(() => console.log("tick"), 500);
await new Promise((r) => setTimeout(r, 1000));
console.log("closing");
const c = fleet.close();
console.log("close called");
await c;
console.log("closed");
await server.shutdown();
console.log("shutdown");
