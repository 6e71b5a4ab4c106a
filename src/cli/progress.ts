// Progress for long work: done/total, rate and ETA on stderr — redrawn in place on a terminal, a line every
// few seconds otherwise (logs, CI).
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastPrint = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(readonly total: number, readonly label: string, readonly unit = "items", private readonly alreadyDone = 0) {
    this.done = alreadyDone;
  }

  tick(n = 1, note = ""): void {
    this.done += n;
    const now = Date.now();
    if (this.tty ? now - this.lastPrint > 200 : now - this.lastPrint > 5000 || this.done === this.total) {
      this.lastPrint = now;
      this.print(note);
    }
  }

  /** Rate in units per minute since start (counting only work done in this run). */
  get ratePerMinute(): number {
    const minutes = (Date.now() - this.started) / 60000;
    return minutes > 0 ? (this.done - this.alreadyDone) / minutes : 0;
  }

  private print(note: string): void {
    const width = 24;
    const frac = this.total ? this.done / this.total : 1;
    const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
    const rate = this.ratePerMinute;
    const left = rate > 0 ? ((this.total - this.done) / rate) * 60 : NaN;
    const eta = Number.isFinite(left) ? `ETA ${formatDuration(left)}` : "ETA --";
    const line = `${this.label} [${bar}] ${this.done}/${this.total} ${rate.toFixed(1)} ${this.unit}/min ${eta}${note ? `  ${note}` : ""}`;
    if (this.tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns || 120) - 1).padEnd(Math.min(line.length, 119))}`);
    else process.stderr.write(line + "\n");
  }

  finish(): void {
    this.print("");
    if (this.tty) process.stderr.write("\n");
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(r).padStart(2, "0")}s` : `${r}s`;
}
