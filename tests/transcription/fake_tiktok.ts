/**
 * A loopback TikTok that serves what the real one does: video pages whose state is embedded as
 * JSON in `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">` (statusCode, itemInfo.itemStruct with
 * video.playAddr / bitrateInfo / downloadAddr), a `tt_chain_token` cookie set by the page, a media
 * host path that refuses (403) any request without that cookie or without the page as Referer,
 * `/t/<code>` short links that redirect to the page, a private video (statusCode 10216) and a page
 * with no embedded state.
 */

export interface FakeTikTok extends AsyncDisposable {
  base: string;
  /** Every request: path, whether it carried the page's cookie and a Referer. */
  requests: { path: string; method: string; cookie: boolean; referer: string | null }[];
  /** Media requests refused for a missing cookie or Referer. */
  refused: number;
}

export const videoId = "7308801293029248299";
const privateId = "7000000000000000001";

export function fakeTikTok(media: Uint8Array<ArrayBuffer>): FakeTikTok {
  const token = crypto.randomUUID().replaceAll("-", "");
  const fake: FakeTikTok = {
    base: "",
    requests: [],
    refused: 0,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    const cookie = request.headers.get("cookie") ?? "";
    const hasCookie = cookie.split(/;\s*/).includes(`tt_chain_token=${token}`);
    fake.requests.push({
      path: url.pathname,
      method: request.method,
      cookie: hasCookie,
      referer: request.headers.get("referer"),
    });
    const short = /^\/t\/(\w+)\/?$/.exec(url.pathname);
    if (short) {
      return new Response(null, {
        status: 301,
        headers: { location: `${fake.base}/@garyvee/video/${videoId}?_r=1&_t=ZT-${short[1]}` },
      });
    }
    const page = /^\/@([\w.-]+)\/video\/(\d+)$/.exec(url.pathname);
    if (page) {
      const [, user, id] = page;
      const headers = new Headers({ "content-type": "text/html; charset=utf-8" });
      headers.append("set-cookie", `tt_chain_token=${token}; Path=/; HttpOnly; SameSite=None`);
      headers.append("set-cookie", `ttwid=1%7Cguest; Path=/; HttpOnly`);
      return new Response(pageHtml(fake.base, user, id), { headers });
    }
    if (url.pathname === "/@nobody/photo/1") {
      return new Response("<!doctype html><html><head><title>TikTok</title></head><body>Hi</body></html>", {
        headers: { "content-type": "text/html" },
      });
    }
    if (url.pathname.startsWith("/video/tos/")) {
      const referer = request.headers.get("referer") ?? "";
      if (!hasCookie || !referer.startsWith(`${fake.base}/@`)) {
        fake.refused++;
        return new Response("Access Denied", { status: 403, headers: { "content-type": "text/plain" } });
      }
      return new Response(request.method === "HEAD" ? null : media, {
        headers: { "content-type": "video/mp4", "content-length": String(media.byteLength) },
      });
    }
    return new Response("not found", { status: 404 });
  });
  fake.base = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}

function pageHtml(base: string, user: string, id: string): string {
  const detail = id === privateId ? { statusCode: 10216, statusMsg: "item is private" } : {
    statusCode: 0,
    statusMsg: "",
    itemInfo: {
      itemStruct: {
        id,
        desc: "Go forward #motivation",
        createTime: "1701782400",
        author: { uniqueId: user, nickname: user },
        music: { title: "original sound", playUrl: `${base}/video/tos/music-${id}.mp3`, duration: 3 },
        video: {
          id,
          duration: 3,
          width: 576,
          height: 1024,
          // The real page lists bitrate variants first, then playAddr and the watermarked downloadAddr.
          bitrateInfo: [{
            Bitrate: 350000,
            GearName: "normal_540_0",
            PlayAddr: {
              DataSize: 92160,
              UrlKey: `v12044gd0000_h264_540p_350000`,
              UrlList: [
                `${base}/video/tos/${id}-540p.mp4?mime_type=video_mp4`,
                `https://www.tiktok.com/aweme/v1/play/?video_id=${id}`,
              ],
            },
          }],
          playAddr: `${base}/video/tos/${id}.mp4?mime_type=video_mp4`,
          downloadAddr: `${base}/video/tos/${id}-wm.mp4?mime_type=video_mp4`,
        },
      },
    },
  };
  const state = {
    __DEFAULT_SCOPE__: {
      "webapp.app-context": { language: "en", region: "US" },
      "webapp.video-detail": detail,
    },
  };
  // The JSON is embedded raw, as TikTok does; "</" cannot occur in it here.
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>TikTok - Make Your Day</title>
<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">${JSON.stringify(state)}</script>
</head><body><div id="app"></div></body></html>`;
}

export const privateVideoId = privateId;
