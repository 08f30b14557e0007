/** A WebSocket client for live tests: records JSON messages and waits on them with deadlines. */
import { deadline } from "./wait.ts";

// deno-lint-ignore no-explicit-any
export type Message = Record<string, any>;

/** A real WebSocket client that records JSON messages; `close()` waits for the close handshake. */
export async function connect(url: string) {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const closed = Promise.withResolvers<CloseEvent>();
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (waiter.test()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  socket.onmessage = (event) => {
    messages.push(JSON.parse(event.data));
    wake();
  };
  socket.onclose = (event) => closed.resolve(event);
  const opened = Promise.withResolvers<void>();
  socket.onopen = () => opened.resolve();
  socket.onerror = () => opened.reject(new Error("websocket failed to open"));
  await deadline(opened.promise, "the websocket to open");
  return {
    socket,
    messages,
    events: () => messages.filter((message) => typeof message.seq === "number"),
    seqs: () => messages.filter((message) => typeof message.seq === "number").map((message) => message.seq),
    send: (message: unknown) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    until(test: (messages: Message[]) => boolean, what: string): Promise<void> {
      if (test(messages)) return Promise.resolve();
      const done = new Promise<void>((resolve) => waiters.push({ test: () => test(messages), resolve }));
      return deadline(done, () => `${what} (got ${JSON.stringify(messages)})`);
    },
    closed: () => deadline(closed.promise, "the websocket to close"),
    async close() {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      await deadline(closed.promise, "the websocket to close");
    },
  };
}
