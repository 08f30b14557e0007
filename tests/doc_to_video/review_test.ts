/**
 * The script review flow through the API: upload with review → awaiting_review with sections →
 * invalid edits refused by the script rules → one section regenerated → the edited script confirmed
 * (once) → the video follows the edited script; and a review can be discarded.
 */
import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";
import { finished, status, submitOk } from "./helpers.ts";
import { reportPdf } from "./report_pdf.ts";
import { waitFor } from "../support/wait.ts";
import { fakeOpenRouter } from "../providers/fake_openrouter.ts";

const install = "apt-get install -y ffmpeg flite poppler-utils fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const flite = systemTool("flite", ["/usr/bin/flite", "/usr/local/bin/flite"], install);
const pdftoppm = systemTool("pdftoppm", ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"], install);

const awaitingReview = (kiln: Awaited<ReturnType<typeof testKiln>>, id: string) =>
  waitFor(`job ${id} to wait for review`, async () => {
    const view = await status(kiln, id);
    if (["failed", "cancelled", "succeeded"].includes(view.status)) {
      throw new Error(`job ended: ${view.status}`);
    }
    return view.status === "awaiting_review" ? view : undefined;
  }, 60_000);

const put = (kiln: Awaited<ReturnType<typeof testKiln>>, id: string, body: unknown) =>
  kiln.request(`/api/doc-to-video/${id}/script`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

Deno.test({
  name:
    "review: the script waits, edits are checked, one section is regenerated, the edited script is rendered",
  ignore: ffmpeg.ignore || flite.ignore || pdftoppm.ignore,
  sanitizeResources: true,
  async fn() {
    await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: ffmpeg.path });
    const accepted = await submitOk(kiln, await reportPdf(), { review: "true" });
    const review = await awaitingReview(kiln, accepted.job_id);
    assert.equal(review.video_url, undefined);
    assert.deepEqual(review.sections!.map((section) => section.title), [
      "Introduction",
      "How panels work",
      "Costs and savings",
      "The road ahead",
    ]);
    assert.deepEqual(review.sections!.map((section) => section.page), [1, 2, 3, 4]);
    for (const section of review.sections!) assert.ok(section.words > 0 && section.estimated_seconds > 0);

    // The same rules as a written script: too short is refused, malformed is refused, nothing starts.
    const tooShort = await put(kiln, accepted.job_id, { sections: [{ title: "Only", text: "Too short." }] });
    assert.equal(tooShort.status, 422);
    assert.equal((await tooShort.json()).code, "script_invalid");
    const malformed = await put(kiln, accepted.job_id, { sections: [] });
    assert.equal(malformed.status, 422);
    const refused = await malformed.json();
    assert.equal(refused.code, "validation_failed");
    assert.equal(refused.issues[0].path, "body.sections");
    assert.equal((await status(kiln, accepted.job_id)).status, "awaiting_review");

    // Regenerating proposes other sentences from the same page (offline), without saving them.
    const regenerated = await kiln.request(`/api/doc-to-video/${accepted.job_id}/script/regenerate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ index: 1 }),
    });
    assert.equal(regenerated.status, 200);
    const proposal = await regenerated.json();
    assert.equal(proposal.writer, "local-summariser");
    assert.equal(proposal.section.page, 2);
    assert.notEqual(proposal.section.text, review.sections![1].text);
    assert.match(proposal.section.text, /light|chart|electrons|efficiency/i);

    // Edit: drop the introduction, move the outlook first, rename it, take the regenerated section.
    const [, panels, costs, outlook] = review.sections!.map(({ title, text, keyPoints, page }) => ({
      title,
      text,
      keyPoints,
      page,
    }));
    const edited = [
      { ...outlook, title: "Where solar is going" },
      { ...panels, text: proposal.section.text, keyPoints: proposal.section.keyPoints },
      costs,
    ];
    const confirmed = await put(kiln, accepted.job_id, { sections: edited });
    assert.equal(confirmed.status, 202, await confirmed.clone().text());
    const confirmedView = await confirmed.json();
    assert.equal(confirmedView.job_id, accepted.job_id);
    assert.ok(["queued", "running"].includes(confirmedView.status));
    const again = await put(kiln, accepted.job_id, { sections: edited });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).code, "script_already_confirmed");

    const view = await finished(kiln, accepted.job_id, 180_000);
    assert.equal(view.status, "succeeded", view.error);
    assert.deepEqual(view.sections!.map((section) => section.title), [
      "Where solar is going",
      "How panels work",
      "Costs and savings",
    ]);
    const chapters = await (await kiln.request(view.chapters_url!)).text();
    assert.match(
      chapters,
      /\nThe State of Solar Energy\n[\s\S]*\nWhere solar is going\n[\s\S]*\nHow panels work\n[\s\S]*\nCosts and savings\n/,
    );
    assert.equal(
      await (await kiln.request(view.script_url!)).text(),
      edited.map((section) => section.text).join(" "),
    );
    // The render job is internal: only the id the user holds answers.
    const renderJob = kiln.logs.find((line) => line.event === "script_confirmed")!.renderJobId as string;
    assert.equal((await kiln.request(`/api/video-status/${renderJob}`)).status, 404);
  },
});

Deno.test("review: a script awaiting review can be discarded, and jobs without review never wait", async () => {
  await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: "/nonexistent/ffmpeg" });
  const accepted = await submitOk(kiln, await reportPdf(), { review: "true" });
  await awaitingReview(kiln, accepted.job_id);
  const discarded = await kiln.request(`/api/doc-to-video/${accepted.job_id}`, { method: "DELETE" });
  assert.equal((await discarded.json()).status, "cancelled");
  const confirm = await put(kiln, accepted.job_id, { sections: [{ title: "x", text: "y" }] });
  assert.equal(confirm.status, 409);
  assert.equal((await confirm.json()).code, "script_not_awaiting_review");
  // Without review the job goes straight on (here to the missing-ffmpeg failure).
  const direct = await finished(kiln, (await submitOk(kiln, await reportPdf())).job_id, 60_000);
  assert.equal(direct.error_code, "media_tool_missing");
});

Deno.test("review: with OpenRouter configured, regenerating a section asks the model for that section", async () => {
  await using openRouter = fakeOpenRouter();
  await using kiln = await testKiln({
    OPENROUTER_API_KEY: "test-openrouter-key",
    OPENROUTER_BASE_URL: openRouter.url,
    DOC_TO_VIDEO_FFMPEG: "/nonexistent/ffmpeg",
  });
  const accepted = await submitOk(kiln, await reportPdf(), { review: "true" });
  const review = await awaitingReview(kiln, accepted.job_id);
  openRouter.reply = () =>
    "## Panels, simply\nSunlight frees electrons in silicon, and that flow is electricity.\n- Sunlight frees electrons";
  const response = await kiln.request(`/api/doc-to-video/${accepted.job_id}/script/regenerate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ index: 0 }),
  });
  assert.equal(response.status, 200);
  const proposal = await response.json();
  assert.equal(proposal.writer, "openrouter");
  assert.deepEqual(
    { title: proposal.section.title, text: proposal.section.text, keyPoints: proposal.section.keyPoints },
    {
      title: "Panels, simply",
      text: "Sunlight frees electrons in silicon, and that flow is electricity.",
      keyPoints: ["Sunlight frees electrons"],
    },
  );
  const asked = openRouter.requests.at(-1)!.body.messages.map((message) => message.content).join("\n");
  assert.ok(asked.includes(review.sections![0].text), "the model sees the section it rewrites");
  // Proposals are not saved: the stored script is unchanged until a confirm.
  assert.deepEqual((await status(kiln, accepted.job_id)).sections, review.sections);
});
