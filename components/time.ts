/** Times as people read them in lists: relative to now. */

/** "12 s ago", "3 min ago", "2 h ago", or the date. */
export function ago(when: string | number | null | undefined, now = Date.now()): string {
  if (when === null || when === undefined) return "—";
  const at = typeof when === "number" ? when : Date.parse(when);
  if (!Number.isFinite(at)) return "—";
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 0) {
    const ahead = -seconds;
    return ahead < 60
      ? `in ${ahead} s`
      : ahead < 3600
      ? `in ${Math.round(ahead / 60)} min`
      : `in ${Math.round(ahead / 3600)} h`;
  }
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(at).toISOString().slice(0, 10);
}
