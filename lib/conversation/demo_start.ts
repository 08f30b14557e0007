/** Starts the demo: the demo tenant's menu, a fresh restaurant session, and the job that plays the script. */
import type { Services } from "../services.ts";
import { demoDisplayJobKind, demoMenu, demoTenant } from "./demo.ts";

export async function startDemoConversation(services: Services, stepMs: number) {
  const { restaurant } = services.conversation!;
  await restaurant.putMenu(demoTenant, demoMenu);
  const session = await restaurant.createSession({ tenantId: demoTenant, language: "en" });
  const job = await services.jobs.enqueue(demoDisplayJobKind, { sessionId: session.sessionId, stepMs });
  const display = new URL(session.displayUrl);
  return {
    sessionId: session.sessionId,
    displayUrl: session.displayUrl,
    displayPath: `${display.pathname}${display.search}`,
    jobId: job.id,
  };
}
