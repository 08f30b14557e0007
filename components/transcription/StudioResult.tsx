import { useRef, useState } from "preact/hooks";
import { clock, segmentsOf, type TimedSegment } from "../../lib/transcription/client.ts";
import type { StudioJob, StudioStatus } from "./studio_types.ts";

interface Props {
  job: StudioJob;
  status: StudioStatus;
  /** What the player plays: the uploaded file (object URL), the link, or nothing yet. */
  audio?: string;
  /** Attach the local file again after a reload (uploads are not kept on the server). */
  onAudioFile(file: File): void;
}

/** The segment playing at `time` (the last one that started before it). */
function activeIndex(segments: TimedSegment[], time: number): number {
  let found = -1;
  segments.forEach((segment, index) => {
    if (segment.start <= time + 0.05) found = index;
  });
  return found;
}

/** A finished transcription: player, summary, transcript with click-to-seek, copy and downloads. */
export function StudioResult({ job, status, audio, onAudioFile }: Props) {
  const player = useRef<HTMLAudioElement>(null);
  const [time, setTime] = useState(0);
  const [unplayable, setUnplayable] = useState(false);
  const [copied, setCopied] = useState(false);
  const result = status.result!;
  const segments = segmentsOf(result);
  const active = activeIndex(segments, time);
  const timed = (result.segments ?? []).length > 0;
  const words = result.transcription.split(/\s+/).filter(Boolean).length;

  const seek = (seconds: number) => {
    const element = player.current;
    if (!element) return;
    element.currentTime = seconds;
    setTime(seconds);
    element.play().catch(() => {}); // autoplay rules may refuse; the position is still set
  };

  async function copy() {
    await navigator.clipboard?.writeText(result.transcription).catch(() => {});
    setCopied(true);
    setTimeout(() => setCopied(false), 2_000);
  }

  const downloads = ["txt", "srt", "vtt"] as const;
  return (
    <section class="card stack studio-result" data-testid="studio-result">
      <div class="admin-item-head">
        <h2 class="studio-title">{job.label}</h2>
        <span class="badge ok">{status.cached ? "from cache" : "done"}</span>
      </div>
      <p class="muted admin-meta">
        {clock(result.durationSeconds)} of audio · {words} words · language {result.language}
        {result.truncated && " · cut to the configured length"}
      </p>

      {audio && !unplayable && (
        <audio
          ref={player}
          class="studio-player"
          controls
          preload="metadata"
          src={audio}
          onTimeUpdate={(event) => setTime(event.currentTarget.currentTime)}
          onError={() => setUnplayable(true)}
        />
      )}
      {audio && unplayable && (
        <p class="muted">This link is a page, not a media file, so it cannot be played here.</p>
      )}
      {!audio && !job.url && (
        <label class="studio-reattach">
          The audio stays on your device. Choose the file again to play along:{" "}
          <input
            type="file"
            accept="audio/*,video/*"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) onAudioFile(file);
            }}
          />
        </label>
      )}

      {result.summary && (
        <div>
          <h3>Summary</h3>
          <p dir="auto" data-testid="studio-summary">{result.summary}</p>
        </div>
      )}

      <div class="row">
        <button class="button small" type="button" onClick={copy}>{copied ? "Copied" : "Copy text"}</button>
        {downloads.map((format) => (
          <a
            key={format}
            class="button secondary small"
            href={`/api/transcription/${encodeURIComponent(status.id)}/transcript/${format}`}
            download
          >
            {format === "vtt" ? "WebVTT" : format.toUpperCase()}
          </a>
        ))}
      </div>

      <h3>Transcript</h3>
      {!timed && <p class="muted">This recogniser gave no timings: the transcript is one passage.</p>}
      <ol class="studio-segments" data-testid="studio-segments">
        {segments.map((segment, index) => (
          <li key={`${segment.start}-${index}`} aria-current={index === active ? "true" : undefined}>
            <button
              type="button"
              class="studio-stamp"
              onClick={() =>
                seek(segment.start)}
              disabled={!audio || unplayable}
              aria-label={`Play from ${clock(segment.start)}`}
            >
              {clock(segment.start)}
            </button>
            <p dir="auto">
              {segment.words?.length
                ? segment.words.map((word, wordIndex) => (
                  <span key={wordIndex}>
                    {wordIndex > 0 && " "}
                    <button
                      type="button"
                      class="studio-word"
                      onClick={() => seek(word.start)}
                      disabled={!audio || unplayable}
                    >
                      {word.word}
                    </button>
                  </span>
                ))
                : segment.text}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
