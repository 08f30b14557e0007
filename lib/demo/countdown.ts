/**
 * The home page's sample job: a few timed steps with progress, so a newcomer can watch the durable
 * queue and the live feed work together (and reload the page mid-run).
 */
import { z } from "zod";
import type { JobEngine } from "../jobs/types.ts";
import { sleep } from "../sleep.ts";

export const demoJobKind = "demo.countdown";
export const DemoJobInput = z.object({
  steps: z.number().int().min(1).max(10),
  stepMs: z.number().int().min(0).max(2_000),
});

const stepNames = [
  "Warming the kiln",
  "Loading the job",
  "Shaping the work",
  "Firing",
  "Glazing",
  "Cooling",
  "Inspecting",
  "Packing",
  "Labelling",
  "Shipping",
];

export function defineDemoJob(jobs: JobEngine): void {
  jobs.define(demoJobKind, DemoJobInput, async ({ input, progress, signal }) => {
    for (let step = 0; step < input.steps; step++) {
      await sleep(input.stepMs, signal);
      await progress(Math.round(((step + 1) / input.steps) * 100), stepNames[step]);
    }
    return { steps: input.steps };
  }, { maxAttempts: 2, ttl: 60 * 60 * 1000, access: "id" });
}
