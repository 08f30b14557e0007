/** The demo button's route: a new session whose display fills with the scripted conversation. */
import assert from "node:assert/strict";
import { waitFor } from "../support/wait.ts";
import { conversationModule } from "../../lib/conversation/mod.ts";
import { demoScript } from "../../lib/conversation/demo.ts";
import { asService, conversationKiln } from "./_helpers.ts";

Deno.test("the demo plays the scripted order into a new session", async () => {
  await using kiln = await conversationKiln();
  const started = await kiln.services.module(conversationModule).startDemo(0);
  assert.match(started.displayPath, /^\/ui\/conversation\?session=/);
  const state = await waitFor("the demo to finish", async () => {
    const job = await kiln.services.jobs.get(started.jobId);
    if (job?.status === "failed") throw new Error(JSON.stringify(job.error));
    if (job?.status !== "succeeded") return undefined;
    return (await kiln.request(`/conversation/${started.sessionId}/state`, { headers: asService })).json();
  }, 10_000);
  assert.equal(state.transcripts.length, demoScript.filter((step) => "say" in step).length);
  assert.equal(state.updates.at(-1).type, "order_confirmed");
  const route = await kiln.request("/conversation/demo", { method: "POST" });
  assert.equal(route.status, 202);
  assert.ok((await route.json()).displayPath);
});
