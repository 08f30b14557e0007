import { z } from "zod";
import TranscriptionStudio from "../../islands/TranscriptionStudio.tsx";
import { define } from "../../lib/http/route.ts";
import { StudioId, transcriptionModule } from "../../lib/transcription/mod.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

interface Data {
  maxBytes: number;
  recogniser: string;
  openId?: string;
}

export const title = "Transcription studio";

export const handler: Handlers = {
  GET: define.get({
    summary: "Transcription studio (HTML): a link or a file in, live progress, the timed transcript out",
    description: "Its data: `POST /api/transcription`, `GET /api/transcription/:id` and its `events`. " +
      "`?id=` opens a transcription the studio started.",
    tags: ["transcription"],
    query: z.object({ id: StudioId.optional() }),
    handle({ query, services, render }) {
      const transcription = services.module(transcriptionModule);
      return render(
        {
          maxBytes: transcription.settings.maxMediaBytes,
          recogniser: transcription.settings.asr.provider,
          openId: query.id,
        } satisfies Data,
      );
    },
  }),
};

export default function TranscriptionPage({ data }: PageProps<Data>) {
  return (
    <>
      <h1>Transcription studio</h1>
      <p class="lead">
        Paste a media or TikTok link, or drop an audio or video file, and get the transcript with timestamps:
        click a line to hear it, copy it, or download it as text, subtitles (SRT) or captions (WebVTT).
      </p>
      <TranscriptionStudio maxBytes={data.maxBytes} openId={data.openId} />
      <p class="muted">
        Recogniser:{" "}
        {data.recogniser === "local" ? "offline (pocketsphinx, English)" : data.recogniser}. Service health is
        in the <a href="/admin/services">admin console</a>; the API the business engine calls is in the{" "}
        <a href="/docs#tag-transcription">docs</a>.
      </p>
    </>
  );
}
