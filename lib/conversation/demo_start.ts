/** Starts the demo: the demo tenant's menu, a fresh restaurant session, and the job that plays the script. */
import type { JobEngine } from "../jobs/types.ts";
import type { RestaurantService } from "../restaurant/service.ts";
import { demoDisplayJobKind, demoMenu, demoTenant } from "./demo.ts";

export interface DemoStarted {
  sessionId: string;
  displayUrl: string;
  displayPath: string;
  jobId: string;
}

export async function startDemoConversation(
  { restaurant, jobs }: { restaurant: RestaurantService; jobs: JobEngine },
  stepMs: number,
): Promise<DemoStarted> {
  await restaurant.putMenu(demoTenant, demoMenu);
  const session = await restaurant.createSession({ tenantId: demoTenant, language: "en" });
  const job = await jobs.enqueue(demoDisplayJobKind, { sessionId: session.sessionId, stepMs });
  const display = new URL(session.displayUrl);
  return {
    sessionId: session.sessionId,
    displayUrl: session.displayUrl,
    displayPath: `${display.pathname}${display.search}`,
    jobId: job.id,
  };
}
