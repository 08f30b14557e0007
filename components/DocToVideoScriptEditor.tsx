import { useState } from "preact/hooks";
import {
  countWords,
  type Language,
  scriptLimits,
  type SectionView,
  type VideoStatus,
} from "../lib/doc_to_video/client.ts";

interface Draft {
  key: string;
  /** The section's index in the server's script (regenerating names it; reordering does not change it). */
  origin: number;
  title: string;
  text: string;
  /** One key point per line. */
  points: string;
  page?: number;
}

const toDraft = (section: SectionView, index: number): Draft => ({
  key: `section-${index}`,
  origin: index,
  title: section.title,
  text: section.text,
  points: section.keyPoints.join("\n"),
  ...(section.page ? { page: section.page } : {}),
});

function duration(words: number, language: Language): string {
  const seconds = Math.round((words / scriptLimits[language].wordsPerMinute) * 60);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

/**
 * The script of a job uploaded with review: every section editable (title, narration, key points),
 * movable, removable and regenerable, with live word counts and durations against the same limits
 * the server checks; "Make the video" confirms it (PUT …/script) and rendering starts.
 */
export default function DocToVideoScriptEditor(
  { view, onConfirmed, onDiscard }: {
    view: VideoStatus;
    onConfirmed: (next: VideoStatus) => void;
    onDiscard: () => void;
  },
) {
  const language: Language = view.language === "ar" ? "ar" : "en";
  const limits = scriptLimits[language];
  const [drafts, setDrafts] = useState<Draft[]>(() => (view.sections ?? []).map(toDraft));
  const [busy, setBusy] = useState(false);
  const [regenerating, setRegenerating] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const total = drafts.reduce((sum, draft) => sum + countWords(draft.text), 0);
  const withinLimits = total >= limits.minWords && total <= limits.maxWords;

  const change = (index: number, patch: Partial<Draft>) =>
    setDrafts(drafts.map((draft, at) => at === index ? { ...draft, ...patch } : draft));
  const move = (index: number, by: number) => {
    const next = [...drafts];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved);
    setDrafts(next);
  };

  async function regenerate(index: number) {
    const { origin, key } = drafts[index];
    setRegenerating(index);
    setProblem(null);
    try {
      const response = await fetch(`/api/doc-to-video/${view.job_id}/script/regenerate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ index: origin }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `Regenerating failed (${response.status}).`);
      // By key: the user may have edited or moved other sections meanwhile.
      setDrafts((current) =>
        current.map((draft) => draft.key === key ? { ...toDraft(body.section, origin), key } : draft)
      );
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setRegenerating(null);
    }
  }

  async function confirm() {
    setBusy(true);
    setProblem(null);
    try {
      const sections = drafts.map((draft) => ({
        title: draft.title,
        text: draft.text,
        keyPoints: draft.points.split("\n").map((point) => point.trim()).filter(Boolean).slice(0, 4),
        ...(draft.page ? { page: draft.page } : {}),
      }));
      const response = await fetch(`/api/doc-to-video/${view.job_id}/script`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sections }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `Confirming failed (${response.status}).`);
      onConfirmed(body as VideoStatus);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="stack dtv-editor" data-testid="dtv-editor" dir="auto">
      <p>
        Review the script before the video is made: edit the text, reorder or delete sections, or regenerate
        one.
      </p>
      <p class="row" data-testid="dtv-editor-total">
        <span class={`badge ${withinLimits ? "ok" : "warn"}`}>{total} words</span>
        <span class="muted">
          about {duration(total, language)} · {limits.minWords}–{limits.maxWords} words allowed
        </span>
      </p>
      <ol class="dtv-sections">
        {drafts.map((draft, index) => {
          const words = countWords(draft.text);
          return (
            <li key={draft.key} class="card stack dtv-section" data-testid="dtv-section">
              <div class="row dtv-section-head">
                <strong>Section {index + 1}</strong>
                {draft.page && <span class="badge">page {draft.page}</span>}
                <span class="muted" data-testid="dtv-section-stats">
                  {words} words · about {duration(words, language)}
                </span>
              </div>
              <label class="stack">
                <span>Title</span>
                <input
                  value={draft.title}
                  maxLength={100}
                  onInput={(event) => change(index, { title: (event.target as HTMLInputElement).value })}
                />
              </label>
              <label class="stack">
                <span>Narration</span>
                <textarea
                  rows={4}
                  value={draft.text}
                  maxLength={2000}
                  dir="auto"
                  onInput={(event) => change(index, { text: (event.target as HTMLTextAreaElement).value })}
                />
              </label>
              <label class="stack">
                <span>Key points (one per line, up to 4)</span>
                <textarea
                  rows={2}
                  value={draft.points}
                  dir="auto"
                  onInput={(event) => change(index, { points: (event.target as HTMLTextAreaElement).value })}
                />
              </label>
              <div class="row">
                <button
                  class="button secondary"
                  type="button"
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  aria-label={`Move section ${index + 1} up`}
                >
                  ↑ Up
                </button>
                <button
                  class="button secondary"
                  type="button"
                  disabled={index === drafts.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={`Move section ${index + 1} down`}
                >
                  ↓ Down
                </button>
                <button
                  class="button secondary"
                  type="button"
                  disabled={regenerating !== null}
                  onClick={() => regenerate(index)}
                  aria-label={`Regenerate section ${index + 1}`}
                >
                  {regenerating === index ? "Regenerating…" : "Regenerate"}
                </button>
                <button
                  class="button secondary"
                  type="button"
                  disabled={drafts.length === 1}
                  onClick={() => setDrafts(drafts.filter((_, at) => at !== index))}
                  aria-label={`Delete section ${index + 1}`}
                >
                  Delete
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      {problem && <p class="banner error" role="alert" data-testid="dtv-editor-problem">{problem}</p>}
      <div class="row">
        <button class="button" type="button" disabled={busy} onClick={confirm}>
          {busy ? "Starting…" : "Confirm the script and make the video"}
        </button>
        <button class="button secondary" type="button" disabled={busy} onClick={onDiscard}>Discard</button>
      </div>
    </div>
  );
}
