/**
 * Manual probe, not a test: publish → receipt latency with N in-process subscribers on one topic.
 *   ./deno run -A tests/live/latency_probe.ts [subscribers=1000] [events=300] [mode=serial|burst]
 * serial: one publish at a time (waits until every subscriber has it): pure wake-up + fan-out cost.
 * burst: publishes back to back without waiting: includes queueing behind earlier fan-outs.
 * Latency is measured from just before `publish()` to each subscriber's listener call.
 */
import { createKvChangeFeed } from "../../lib/live/kv_feed.ts";
import { silentLogger } from "../../lib/log.ts";

const subscribers = Number(Deno.args[0] ?? 1_000);
const events = Number(Deno.args[1] ?? 300);
const mode = Deno.args[2] ?? "serial";

const kv = await Deno.openKv(":memory:");
const feed = createKvChangeFeed({ kv, log: silentLogger });
const sentAt = new Map<number, number>();
const samples: number[] = [];
let received = 0;
let waiting: (() => void) | undefined;
const target = () => subscribers * events;

for (let i = 0; i < subscribers; i++) {
  feed.subscribe("bench", 0, (event) => {
    samples.push(performance.now() - sentAt.get(event.seq)!);
    received++;
    if (waiting && (mode === "burst" ? received === target() : received % subscribers === 0)) waiting();
  });
}
// Let the hub's first round (empty backlog) and the watcher's initial emission settle.
await new Promise((resolve) => setTimeout(resolve, 50));

const run = async () => {
  for (let seq = 1; seq <= events; seq++) {
    const done = new Promise<void>((resolve) => (waiting = resolve));
    sentAt.set(seq, performance.now());
    await feed.publish("bench", "tick", { seq });
    if (mode === "serial") await done;
  }
  if (mode === "burst" && received < target()) await new Promise<void>((resolve) => (waiting = resolve));
};
const started = performance.now();
await run();
const elapsed = performance.now() - started;

samples.sort((a, b) => a - b);
const pick = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(2);
console.log(
  `${mode}: ${subscribers} subscribers × ${events} events = ${samples.length} deliveries in ${
    elapsed.toFixed(0)
  } ms; ` +
    `latency ms p50 ${pick(0.5)} p90 ${pick(0.9)} p99 ${pick(0.99)} max ${pick(1)}`,
);
await feed.close();
kv.close();
