// The one way gamma-music writes times in text — prompts, answers, reports, questions: minutes, seconds and
// tenths, "m:ss.s" ("0:07.5", "2:40.0", "12:03.1"). parseTime() reads it back (and plain seconds, "m:ss").
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`formatTime: ${seconds} is not a time`);
  const tenths = Math.round(seconds * 10);
  const m = Math.floor(tenths / 600);
  const s = (tenths % 600) / 10;
  return `${m}:${s < 10 ? "0" : ""}${s.toFixed(1)}`;
}

/** Seconds from "m:ss.s", "m:ss", "h:mm:ss" or a plain number of seconds; undefined if it is none of them. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (!m) return undefined;
  const seconds = Number(m[3]);
  if (seconds >= 60) return undefined;
  return (m[1] ? Number(m[1]) * 3600 : 0) + Number(m[2]) * 60 + seconds;
}
