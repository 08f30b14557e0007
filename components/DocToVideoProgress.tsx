import { useEffect, useRef, useState } from "preact/hooks";
import type { VideoStatus as VideoStatusView } from "../lib/doc_to_video/client.ts";
import DocToVideoScriptEditor from "./DocToVideoScriptEditor.tsx";

/** The live view of one job: the status route's JSON (type-only import: nothing server-side is bundled). */
export type { VideoStatusView };

function seconds(value: number): string {
  const whole = Math.max(0, Math.round(value));
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
}

/** Remaining time from the rate so far — shown only once there is enough progress to say. */
export function estimateRemaining(view: VideoStatusView, now: number): string {
  if (view.status === "queued") return "waiting for a worker";
  const elapsed = (now - view.created_at) / 1000;
  if (view.progress < 20 || elapsed < 2) return "estimating…";
  return `about ${seconds((elapsed * (100 - view.progress)) / view.progress)} left`;
}

interface Chapter {
  start: number;
  title: string;
}

/** The chapters WebVTT file → start times and titles (cue text only: no markup is rendered). */
export function parseChapters(vtt: string): Chapter[] {
  const seconds = (stamp: string) => stamp.split(":").reduce((total, part) => total * 60 + Number(part), 0);
  return [...vtt.matchAll(/(\d{2}:\d{2}:\d{2}\.\d{3}) --> [^\n]+\n([^\n]+)/g)]
    .map((match) => ({
      start: seconds(match[1]),
      title: match[2].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"),
    }));
}

function clock(value: number): string {
  const whole = Math.floor(value);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export default function DocToVideoProgress(
  { view, now, onCancel, onConfirmed }: {
    view: VideoStatusView;
    now: number;
    onCancel: () => void;
    onConfirmed: (next: VideoStatusView) => void;
  },
) {
  const running = view.status === "queued" || view.status === "running";
  const reviewing = view.status === "awaiting_review";
  const badge = view.status === "succeeded"
    ? "ok"
    : view.status === "failed"
    ? "error"
    : reviewing
    ? "warn"
    : "";
  const player = useRef<HTMLVideoElement>(null);
  const [chapters, setChapters] = useState<Chapter[]>([]);
  useEffect(() => {
    if (!view.chapters_url) return setChapters([]);
    let live = true;
    fetch(view.chapters_url).then((response) => response.ok ? response.text() : "")
      .then((text) => live && setChapters(parseChapters(text)), () => {});
    return () => {
      live = false;
    };
  }, [view.chapters_url]);
  const elapsed = ((view.finished_at ?? now) - view.created_at) / 1000;
  return (
    <section class="card stack" aria-live="polite" data-testid="dtv-job" data-status={view.status}>
      <div class="row">
        <span class={`badge ${badge}`} data-testid="dtv-status">
          {reviewing ? "awaiting review" : view.status}
        </span>
        <span class="muted" data-testid="dtv-step">{view.step ?? "Waiting for a worker"}</span>
      </div>
      <progress max={100} value={view.progress} aria-label="Progress" />
      <p class="muted" data-testid="dtv-timing">
        {view.progress}% · elapsed {seconds(elapsed)}
        {running ? ` · ${estimateRemaining(view, now)}` : ""}
      </p>
      {running && (
        <div class="row">
          <button class="button secondary" type="button" onClick={onCancel}>Cancel</button>
        </div>
      )}
      {view.error && <p class="banner error" role="alert">{view.error}</p>}
      {reviewing && view.sections && (
        <DocToVideoScriptEditor view={view} onConfirmed={onConfirmed} onDiscard={onCancel} />
      )}
      {view.video_url && (
        // Captions are burned into the picture (word by word); the track is there for players and screen readers.
        <video
          ref={player}
          controls
          preload="auto"
          class="dtv-video"
          src={view.video_url}
          poster={view.poster_url}
          data-testid="dtv-video"
        >
          {view.captions_url && (
            <track kind="captions" src={view.captions_url} srclang={view.language ?? "en"} label="Captions" />
          )}
          {view.chapters_url && (
            <track kind="chapters" src={view.chapters_url} srclang={view.language ?? "en"} />
          )}
        </video>
      )}
      {chapters.length > 0 && (
        <ol class="dtv-chapters" data-testid="dtv-chapters" dir="auto">
          {chapters.map((chapter) => (
            <li key={chapter.start}>
              <button
                class="button secondary"
                type="button"
                onClick={() => {
                  if (!player.current) return;
                  player.current.currentTime = chapter.start;
                  player.current.play().catch(() => {});
                }}
              >
                <span class="muted">{clock(chapter.start)}</span> {chapter.title}
              </button>
            </li>
          ))}
        </ol>
      )}
      {view.video_url && (
        <p class="row">
          <a class="button" href={view.video_url} download="video.mp4">Download video</a>
          {view.captions_url && (
            <a class="button secondary" href={view.captions_url} download="captions.vtt">Captions</a>
          )}
          {view.script_url && (
            <a class="button secondary" href={view.script_url} download="script.txt">Script</a>
          )}
        </p>
      )}
      {view.script && !reviewing && (
        <details open={!view.video_url}>
          <summary>
            Script ({view.words} words, about {seconds(view.estimated_seconds ?? 0)})
          </summary>
          <p class="dtv-script" dir="auto" data-testid="dtv-script">{view.script}</p>
        </details>
      )}
      {view.cost && (
        <p class="muted">
          Estimated cost ${view.cost.totalUsd.toFixed(4)} · video {view.cost.video.provider},{" "}
          {seconds(view.cost.video.seconds)}
        </p>
      )}
    </section>
  );
}
