/**
 * Runs an `SseFleet` on a worker thread so the SSE clients do not share the server's JS thread (as
 * browsers would not). Protocol (all messages are plain objects with a `type`):
 *   in:  {type: "start", options}  → out: {type: "connected"} | {type: "error", message}
 *        (then, per event)           out: {type: "arrived", i}
 *   in:  {type: "finish"}           → out: {type: "result", latencies, arrivalCounts, failures}
 */
import { type FleetOptions, SseFleet } from "./live_clients.ts";

export type WorkerRequest =
  | { type: "start"; options: Omit<FleetOptions, "onArrived"> }
  | { type: "finish" };

export type WorkerReply =
  | { type: "connected" }
  | { type: "arrived"; i: number }
  | { type: "error"; message: string }
  | { type: "result"; latencies: Float64Array; arrivalCounts: number[]; failures: string[] };

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  close(): void;
}

const scope = self as unknown as WorkerScope;
const post = (message: WorkerReply, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
let fleet: SseFleet | undefined;

scope.onmessage = async ({ data }) => {
  try {
    if (data.type === "start") {
      fleet = new SseFleet({ ...data.options, onArrived: (i) => post({ type: "arrived", i }) });
      await fleet.connect();
      await fleet.connected.done;
      post({ type: "connected" });
    } else if (data.type === "finish") {
      await fleet?.close();
      const latencies = fleet ? fleet.latencies.slice(0, fleet.latencyCount) : new Float64Array();
      post({
        type: "result",
        latencies,
        arrivalCounts: fleet?.arrivals.map((arrival) => arrival.count) ?? [],
        failures: [...(fleet?.failures ?? [])],
      }, [latencies.buffer]);
      scope.close();
    }
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
};
