/**
 * TikTok page URLs and short links transcribe: the page's embedded state is read for the media
 * address, the media host gets the page's cookie and Referer (the fake refuses without them), a
 * private video and a page with no media fail with their own codes, yt-dlp is used instead when
 * configured, and no failure names a server path.
 */
import assert from "node:assert/strict";
import { extractTikTokMedia } from "../../lib/transcription/resolve/tiktok_page.ts";
import { splitCookies } from "../../lib/transcription/resolve/yt_dlp.ts";
import { fakeOpenAi } from "../providers/fake_openai_asr.ts";
import { testKiln } from "../support/kiln.ts";
import { waitFor } from "../support/wait.ts";
import { engineHeaders, engineSecret, ffmpegTool, goForwardWav } from "./_helpers.ts";
import { fakeTikTok, privateVideoId, videoId } from "./fake_tiktok.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const ignore = ffmpegTool().ignore;

async function kilnWith(asrUrl: string, env: Record<string, string> = {}) {
  return await testKiln({
    TTT_SHARED_SECRET: engineSecret,
    TTT_ALLOW_PRIVATE_URLS: "true",
    ASR_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-test",
    OPENAI_ASR_BASE_URL: asrUrl,
    MEDIA_RESOLVER: "builtin",
    RATE_LIMIT_CAPACITY: "100",
    ...env,
  });
}

async function transcribeToEnd(kiln: Awaited<ReturnType<typeof kilnWith>>, url: string): Promise<Json> {
  const started = await kiln.request("/tttranscribe/transcribe", { json: { url }, headers: engineHeaders });
  assert.equal(started.status, 202, await started.clone().text());
  const { id } = await started.json();
  return await waitFor(`the transcription of ${url}`, async () => {
    const status: Json = await (await kiln.request(`/tttranscribe/status/${id}`, { headers: engineHeaders }))
      .json();
    return ["completed", "failed"].includes(status.status) && status;
  }, 15_000);
}

Deno.test({
  name: "a TikTok video page and a /t/ short link transcribe with the page's cookie and Referer",
  ignore,
  async fn() {
    await using tiktok = fakeTikTok(goForwardWav());
    await using asr = fakeOpenAi();
    await using kiln = await kilnWith(asr.url);
    const page = await transcribeToEnd(kiln, `${tiktok.base}/@garyvee/video/${videoId}?is_from_webapp=1`);
    assert.equal(page.status, "completed", JSON.stringify(page.error));
    assert.equal(page.result.transcription, "Go forward ten meters.");
    assert.ok(page.result.durationSeconds > 2.5, "the measured duration of the real media");
    const media = tiktok.requests.filter((request) => request.path.startsWith("/video/tos/"));
    assert.equal(media.length, 1, "the first format was taken");
    assert.equal(media[0].path, `/video/tos/${videoId}-540p.mp4`);
    assert.equal(media[0].cookie, true, "the cookie the page set");
    assert.match(media[0].referer ?? "", new RegExp(`/@garyvee/video/${videoId}`));
    assert.equal(tiktok.refused, 0);

    const short = await transcribeToEnd(kiln, `${tiktok.base}/t/ZTRC5xgJp/`);
    assert.equal(short.status, "completed", JSON.stringify(short.error));
    assert.ok(tiktok.requests.some((request) => request.path === "/t/ZTRC5xgJp/"));
  },
});

Deno.test({
  name: "a private video and a page without media fail with their own codes and no server path",
  ignore,
  async fn() {
    await using tiktok = fakeTikTok(goForwardWav());
    await using asr = fakeOpenAi();
    await using kiln = await kilnWith(asr.url);
    const hidden = await transcribeToEnd(kiln, `${tiktok.base}/@someone/video/${privateVideoId}`);
    assert.equal(hidden.status, "failed");
    assert.equal(hidden.error.code, "media_private");
    const empty = await transcribeToEnd(kiln, `${tiktok.base}/@nobody/photo/1`);
    assert.equal(empty.status, "failed");
    assert.equal(empty.error.code, "media_not_found");
    assert.equal(asr.calls.length, 0, "nothing was sent to the recogniser");
    const dataDir = kiln.services.config.dataDir;
    for (const failed of [hidden, empty]) {
      assert.ok(!JSON.stringify(failed).includes(dataDir), JSON.stringify(failed));
    }
  },
});

Deno.test({
  name: "with MEDIA_RESOLVER=yt-dlp the page is resolved by yt-dlp and Kiln fetches what it reports",
  ignore,
  async fn() {
    await using tiktok = fakeTikTok(goForwardWav());
    await using asr = fakeOpenAi();
    const dir = await Deno.makeTempDir({ prefix: "fake-yt-dlp-" });
    try {
      // A stand-in yt-dlp: records its arguments and prints the JSON yt-dlp prints for a TikTok
      // page, with the media URL, the Referer it wants and the page's cookie.
      const page = `${tiktok.base}/@garyvee/video/${videoId}`;
      const cookie = await (await fetch(page)).headers.getSetCookie()[0].split(";")[0];
      const info = {
        id: videoId,
        duration: 3,
        url: `${tiktok.base}/video/tos/${videoId}.mp4`,
        http_headers: { Referer: page, "User-Agent": "Mozilla/5.0" },
        cookies: `${cookie}; Path=/; ttwid=1%7Cguest; Path=/`,
      };
      const binary = `${dir}/yt-dlp`;
      await Deno.writeTextFile(
        binary,
        `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\ncat <<'JSON'\n${JSON.stringify(info)}\nJSON\n`,
      );
      await Deno.chmod(binary, 0o755);
      await using kiln = await kilnWith(asr.url, { MEDIA_RESOLVER: "yt-dlp", YT_DLP_BINARY: binary });
      const done = await transcribeToEnd(kiln, page);
      assert.equal(done.status, "completed", JSON.stringify(done.error));
      const args = (await Deno.readTextFile(`${dir}/args`)).trim().split("\n");
      assert.ok(args.includes("--dump-single-json") && args.at(-1) === page, args.join(" "));
      const media = tiktok.requests.filter((request) => request.path.startsWith("/video/tos/"));
      assert.deepEqual(media.map((request) => [request.path, request.cookie]), [[
        `/video/tos/${videoId}.mp4`,
        true,
      ]]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("the page reader finds formats in each of TikTok's page layouts", () => {
  const item = {
    id: "1",
    desc: "hi",
    video: { duration: 7, playAddr: "//cdn.example/v.mp4", downloadAddr: "https://cdn.example/d.mp4" },
  };
  const layouts = [
    `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">${
      JSON.stringify({
        __DEFAULT_SCOPE__: { "webapp.video-detail": { statusCode: 0, itemInfo: { itemStruct: item } } },
      })
    }</script>`,
    `<script id="SIGI_STATE" type="application/json">${
      JSON.stringify({ ItemModule: { "1": item }, VideoPage: { statusCode: 0 } })
    }</script>`,
    `<script id="__NEXT_DATA__" type="application/json">${
      JSON.stringify({ props: { pageProps: { statusCode: 0, itemInfo: { itemStruct: item } } } })
    }</script>`,
  ];
  for (const html of layouts) {
    assert.deepEqual(extractTikTokMedia(html, "https://www.tiktok.com/@a/video/1"), {
      kind: "media",
      urls: ["https://cdn.example/v.mp4", "https://cdn.example/d.mp4"],
      videoId: "1",
      title: "hi",
      durationSeconds: 7,
    });
  }
  const slideshow = `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">${
    JSON.stringify({
      __DEFAULT_SCOPE__: {
        "webapp.video-detail": {
          statusCode: 0,
          itemInfo: {
            itemStruct: {
              id: "2",
              video: { duration: 0 },
              music: { playUrl: "https://cdn.example/m.mp3", duration: 12 },
            },
          },
        },
      },
    })
  }</script>`;
  const audio = extractTikTokMedia(slideshow, "https://www.tiktok.com/@a/video/2");
  assert.equal(audio.kind, "media");
  assert.deepEqual(audio.kind === "media" && [audio.urls, audio.durationSeconds], [[
    "https://cdn.example/m.mp3",
  ], 12]);
  const unavailable = `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">${
    JSON.stringify({ __DEFAULT_SCOPE__: { "webapp.video-detail": { statusCode: 10204 } } })
  }</script>`;
  assert.deepEqual(extractTikTokMedia(unavailable, "https://x/"), { kind: "unavailable", statusCode: 10204 });
  assert.deepEqual(extractTikTokMedia("<html>hello</html>", "https://x/"), { kind: "not_tiktok" });
  assert.deepEqual(extractTikTokMedia('<script id="__NEXT_DATA__">{broken</script>', "https://x/"), {
    kind: "not_tiktok",
  });
});

Deno.test("yt-dlp's joined cookie string splits back into one Set-Cookie per cookie", () => {
  assert.deepEqual(
    splitCookies(
      "tt_chain_token=abc; Domain=.tiktok.com; Path=/; Secure; ttwid=1%7Cx; Domain=.tiktok.com; Path=/",
    ),
    ["tt_chain_token=abc; Domain=.tiktok.com; Path=/; Secure", "ttwid=1%7Cx; Domain=.tiktok.com; Path=/"],
  );
});
