import DocToVideo from "../islands/DocToVideo.tsx";
import { docToVideoModule, type PageOptions } from "../lib/doc_to_video/mod.ts";
import { define } from "../lib/http/route.ts";
import type { Handlers, PageProps } from "../lib/web/manifest.ts";

export const title = "Doc to video";

export const handler: Handlers = {
  GET: define.get({
    summary: "Doc-to-video page (upload, live progress, job recovery)",
    tags: ["doc-to-video"],
    handle: async ({ services, render }) => render(await services.module(docToVideoModule).pageOptions()),
  }),
};

/** Upload a PDF and watch it become a narrated video; the island keeps unfinished jobs across reloads. */
export default function DocToVideoPage({ data }: PageProps<PageOptions>) {
  return (
    <>
      <h1>Doc to video</h1>
      <p class="lead">
        Upload a PDF (up to 20 MB) and get a short narrated video that shows it: a title card, each section on
        the page it comes from with its key points, the figures, word-by-word captions and chapters. Review
        the script first if you like. Jobs keep running if you close the tab; come back within 30 minutes to
        pick them up.
      </p>
      <DocToVideo options={data} />
      <p class="muted">
        Script writer: {data.scriptWriter === "openrouter" ? "OpenRouter" : "offline summariser"}. Video:{" "}
        {data.videoProvider === "d-id"
          ? "D-ID presenter"
          : data.pageVisuals
          ? "the document's pages with a local voice"
          : "cards with a local voice (install poppler-utils to show the document's pages)"}. API:{" "}
        <a href="/docs#tag-doc-to-video">POST /api/doc-to-video</a>.
      </p>
    </>
  );
}
