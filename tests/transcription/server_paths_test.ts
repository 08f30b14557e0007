/** No error names where the server keeps its files: not the status page, not the webhook, not a problem. */
import assert from "node:assert/strict";
import { withoutServerPaths } from "../../lib/errors.ts";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { engineHeaders, ffmpegTool, mediaServer, transcriptionEnv, webhookReceiver } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test({
  name: "unreadable media fails without the blob path in the status, the job or the webhook",
  ignore: ffmpegTool().ignore,
  async fn() {
    await using media = mediaServer({
      "/notes.mp3": new TextEncoder().encode("this is not audio at all".repeat(50)),
    });
    await using receiver = webhookReceiver();
    await using kiln = await testKiln(transcriptionEnv(receiver.url));
    const { id } = await (await kiln.request("/tttranscribe/transcribe", {
      json: { url: `${media.url}/notes.mp3`, requestId: "paths-1" },
      headers: engineHeaders,
    })).json();
    const failed: Json = await waitFor("the failure", async () => {
      const status: Json =
        await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders })).json();
      return status.status === "failed" && status;
    }, 15_000);
    assert.equal(failed.error.code, "media_unreadable");
    const delivered = await waitFor("the failure webhook", () => receiver.received[0], 10_000);
    const dataDir = kiln.services.config.dataDir;
    for (
      const text of [JSON.stringify(failed), delivered.body, JSON.stringify(await kiln.services.jobs.get(id))]
    ) {
      assert.ok(!text.includes(dataDir), text);
      assert.equal(withoutServerPaths(text), text, `no absolute path in ${text}`);
    }
  },
});

Deno.test("server paths are cut to their last segment, URLs are kept", () => {
  assert.equal(
    withoutServerPaths("/srv/kiln/data/blobs/tttranscribe/x/media: Invalid data found when processing input"),
    "media: Invalid data found when processing input",
  );
  assert.equal(withoutServerPaths("open '/tmp/tttranscribe-1/audio.wav' failed"), "open 'audio.wav' failed");
  assert.equal(withoutServerPaths("/opt/tools/ffmpeg is not installed"), "ffmpeg is not installed");
  assert.equal(withoutServerPaths("in /srv/data/ now"), "in [server path] now");
  for (
    const kept of [
      "https://example.com/a/b.mp3 answered 404",
      "see http://127.0.0.1:8000/x/y",
      "a/b/c",
      "1/2",
    ]
  ) {
    assert.equal(withoutServerPaths(kept), kept);
  }
});
