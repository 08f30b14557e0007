/** The job engine's public surface: what main.ts wires and what domains import. */
export { createJobEngine, type JobEngineOptions } from "./engine.ts";
export {
  createKvJobQueue,
  createQueueDispatcher,
  type QueueDispatcher,
  type QueueMessage,
  type QueueMessageHandler,
} from "./kv_queue.ts";
export { type PublicJobView, publicJobView } from "./view.ts";
export { backoffDelay, defaultBackoff } from "./backoff.ts";
export * from "./types.ts";
