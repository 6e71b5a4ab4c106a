// Training curves as standalone SVG files (viewable in a browser or a GitHub README): renderLineChart draws one
// chart, plotRun draws loss, accuracy and learning-rate charts from a run's metrics.jsonl (and GRPO's rewards,
// KL, clipping, entropy and response length when the log has them).
//
// Why hand-written rather than a charting library. Two well-kept, permissively licensed libraries render SVG in
// Node without a browser or a native canvas, and both were tried (versions of late 2025):
// - vega 6.4 + vega-lite 6.5 (BSD-3-Clause; the whole tree BSD/ISC/MIT/0BSD): 79 packages, 25 MB, and the public
//   API only renders asynchronously (view.toSVG() returns a Promise), so a synchronous renderLineChart and plotRun
//   would have to reach into private scenegraph internals.
// - echarts 6.1 (Apache-2.0; zrender BSD-3-Clause, tslib 0BSD): renders synchronously with renderToSVGString(), but
//   installs 67 MB, more than the project's whole node_modules, and takes about a second to import.
// Either way the parts specific to training curves (EMA smoothing, dropping non-finite and non-positive values)
// stay ours; what a library would save, axes, 1-2-5 ticks, a legend and XML escaping, is the small code below.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";
import { MetricsLog, type MetricRecord } from "./metrics.js";

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  points: readonly Point[];
  /**
   * EMA weight in [0, 1) (as TensorBoard's smoothing slider): 0 or absent draws the raw line; above 0 draws the raw
   * line faint and the smoothed one strong.
   */
  smoothing?: number;
  /** Draw a dot at every point (for sparse series such as evaluations). A lone point always gets one. */
  markers?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Logarithmic y axis; points with y <= 0 cannot be placed on it and are skipped. */
  logY?: boolean;
  width?: number;
  height?: number;
}

/** Tableau 10: distinguishable colours that survive both light and dark README themes on a white card. */
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const FONT_SIZE = 12;
/** Rough width of one character at FONT_SIZE in a sans-serif font; only used to make room for the legend. */
const CHAR_WIDTH = 7;
const MARKER_RADIUS = 3;

/** Renders a line chart as a standalone SVG document. */
export function renderLineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 420;
  const logY = spec.logY ?? false;
  for (const series of spec.series) {
    const smoothing = series.smoothing ?? 0;
    if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`series "${series.name}": smoothing must be in [0, 1), got ${smoothing}`);
  }
  const drawable = spec.series.map((series, i) => ({ series, points: drawablePoints(series.points, logY), color: PALETTE[i % PALETTE.length]! }));
  const allPoints = drawable.flatMap((d) => d.points);

  const longestLabel = Math.max(0, ...drawable.map((d) => legendLabel(d.series, d.points.length > 0).length));
  const legendWidth = spec.series.length ? Math.min(260, 40 + longestLabel * CHAR_WIDTH) : 0;
  const frame = { left: 72, top: 40, right: width - 16 - legendWidth, bottom: height - 52 };
  const xAxis = linearAxis(allPoints.map((p) => p.x));
  const yAxis = logY ? logAxis(allPoints.map((p) => p.y)) : linearAxis(allPoints.map((p) => p.y));
  const xPx = (x: number): number => frame.left + ((x - xAxis.min) / (xAxis.max - xAxis.min)) * (frame.right - frame.left);
  const yLow = yAxis.position(yAxis.min), yHigh = yAxis.position(yAxis.max);
  const yPx = (y: number): number => frame.bottom - ((yAxis.position(y) - yLow) / (yHigh - yLow)) * (frame.bottom - frame.top);
  const toPx = (p: Point): Point => ({ x: xPx(p.x), y: yPx(p.y) });
  const frameWidth = frame.right - frame.left, frameHeight = frame.bottom - frame.top;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT_SIZE}">`);
  out.push(`<title>${escapeXml(spec.title)}</title>`);
  // An opaque card, so the chart stays readable on a dark-themed page.
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`);

  // Grid, frame, tick labels and axis labels.
  out.push(`<g stroke="#e5e5e5">`);
  for (const x of xAxis.ticks) out.push(`<line x1="${fmt(xPx(x))}" y1="${frame.top}" x2="${fmt(xPx(x))}" y2="${frame.bottom}"/>`);
  for (const y of yAxis.ticks) out.push(`<line x1="${frame.left}" y1="${fmt(yPx(y))}" x2="${frame.right}" y2="${fmt(yPx(y))}"/>`);
  out.push(`</g>`);
  out.push(`<rect x="${frame.left}" y="${frame.top}" width="${frameWidth}" height="${frameHeight}" fill="none" stroke="#888888"/>`);
  out.push(`<g fill="#444444">`);
  for (const x of xAxis.ticks) out.push(`<text x="${fmt(xPx(x))}" y="${frame.bottom + 16}" text-anchor="middle">${escapeXml(xAxis.label(x))}</text>`);
  for (const y of yAxis.ticks) out.push(`<text x="${frame.left - 6}" y="${fmt(yPx(y) + 4)}" text-anchor="end">${escapeXml(yAxis.label(y))}</text>`);
  out.push(`</g>`);
  out.push(`<text x="${frame.left + frameWidth / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  const yLabelX = 16, yLabelY = frame.top + frameHeight / 2;
  out.push(`<text x="${yLabelX}" y="${yLabelY}" text-anchor="middle" transform="rotate(-90 ${yLabelX} ${yLabelY})">${escapeXml(spec.yLabel)}</text>`);

  // Series, clipped to the frame (with room for a marker's radius, so dots on the edge stay whole).
  const m = MARKER_RADIUS + 1;
  out.push(`<clipPath id="plot-area"><rect x="${frame.left - m}" y="${frame.top - m}" width="${frameWidth + 2 * m}" height="${frameHeight + 2 * m}"/></clipPath>`);
  out.push(`<g clip-path="url(#plot-area)" fill="none" stroke-linejoin="round" stroke-linecap="round">`);
  for (const { series, points, color } of drawable) {
    const raw = points.map(toPx);
    const smoothing = series.smoothing ?? 0;
    if (smoothing > 0) {
      out.push(`<path d="${pathData(raw)}" stroke="${color}" stroke-opacity="0.25" stroke-width="1"/>`);
      out.push(`<path d="${pathData(emaSmooth(points, smoothing).map(toPx))}" stroke="${color}" stroke-width="2"/>`);
    } else if (raw.length > 1) {
      out.push(`<path d="${pathData(raw)}" stroke="${color}" stroke-width="2"/>`);
    }
    if (series.markers || raw.length === 1) {
      for (const p of raw) out.push(`<circle cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="${MARKER_RADIUS}" fill="${color}"/>`);
    }
  }
  out.push(`</g>`);
  if (!allPoints.length) {
    out.push(`<text x="${frame.left + frameWidth / 2}" y="${frame.top + frameHeight / 2}" text-anchor="middle" fill="#888888">no data</text>`);
  }

  // Legend, right of the frame.
  drawable.forEach(({ series, points, color }, i) => {
    const x = frame.right + 12, y = frame.top + 8 + i * 20;
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${color}" stroke-width="3"/>`);
    out.push(`<text x="${x + 26}" y="${y + 4}">${escapeXml(legendLabel(series, points.length > 0))}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/**
 * Reads <runDir>/metrics.jsonl and writes plots/loss.svg, plots/accuracy.svg and plots/lr.svg beside it (and
 * RL_CHARTS for GRPO runs), each atomically; a chart without data is not written. Returns the files written.
 */
export function plotRun(runDir: string): string[] {
  const file = path.join(runDir, "metrics.jsonl");
  if (!fs.existsSync(file)) return []; // a run stopped before its first log line has nothing to draw
  const records = MetricsLog.read(file);
  const train = records.filter((r) => (r.split ?? "train") === "train");
  const evals = records.filter((r) => r.split === "eval");
  const accuracyFields = [...new Set(evals.flatMap((r) => Object.keys(r).filter((key) => key.startsWith("accuracy"))))].sort();
  const trainLoss = fieldSeries(train, "loss");
  const evalLoss = fieldSeries(evals, "loss");
  // A log axis shows a falling cross-entropy best; a loss that can be 0 or negative (GRPO's) needs a linear one.
  const logLoss = [...trainLoss, ...evalLoss].every((p) => !(p.y <= 0));

  const charts: { file: string; spec: LineChartSpec }[] = [
    {
      file: "loss.svg",
      spec: {
        title: "Loss",
        xLabel: "step",
        yLabel: logLoss ? "loss (log scale)" : "loss",
        logY: logLoss,
        series: [
          { name: "train loss", points: trainLoss, smoothing: smoothingFor(trainLoss.length) },
          { name: "eval loss", points: evalLoss, markers: true },
        ],
      },
    },
    {
      file: "accuracy.svg",
      spec: {
        title: "Evaluation accuracy",
        xLabel: "step",
        yLabel: "accuracy",
        series: accuracyFields.map((field) => ({ name: field, points: fieldSeries(evals, field), markers: true })),
      },
    },
    { file: "lr.svg", spec: { title: "Learning rate", xLabel: "step", yLabel: "learning rate", series: [{ name: "lr", points: fieldSeries(train, "lr") }] } },
    // The timeline stage's held-out section boundaries (precision and recall are not accuracies, so a chart of their own).
    {
      file: "boundaries.svg",
      spec: {
        title: "Section boundaries found within 1 s (held out)", xLabel: "step", yLabel: "share",
        series: ["boundary_precision", "boundary_recall", "boundary_f1"].map((field) => ({ name: field, points: fieldSeries(evals, field), markers: true })),
      },
    },
    ...RL_CHARTS.map(({ file, title, yLabel, fields }) => ({
      file,
      spec: {
        title, xLabel: "step", yLabel,
        series: fields.map((field) => {
          const points = fieldSeries(train, field);
          return { name: field, points, smoothing: smoothingFor(points.length) };
        }),
      },
    })),
  ];

  const plotsDir = path.join(runDir, "plots");
  const written: string[] = [];
  for (const { file, spec } of charts) {
    if (!spec.series.some((s) => drawablePoints(s.points, spec.logY ?? false).length > 0)) continue;
    fs.mkdirSync(plotsDir, { recursive: true });
    const target = path.join(plotsDir, file);
    writeFileAtomic(target, renderLineChart(spec));
    written.push(target);
  }
  return written;
}

/** Stage 3 (GRPO)'s charts of its train records; like every chart, written only when the log has the fields. */
const RL_CHARTS: { file: string; title: string; yLabel: string; fields: string[] }[] = [
  { file: "rewards.svg", title: "Rewards of the rollouts", yLabel: "mean reward", fields: ["reward_mean", "reward_format_mean", "reward_accuracy_mean"] },
  { file: "reward-spread.svg", title: "Reward spread in the rollouts", yLabel: "standard deviation", fields: ["reward_std", "reward_format_std", "reward_accuracy_std"] },
  { file: "kl.svg", title: "KL divergence to the reference", yLabel: "KL (k3 estimate)", fields: ["kl"] },
  { file: "clipping.svg", title: "Clipped tokens and flat groups", yLabel: "share", fields: ["clip_fraction", "flat_groups"] },
  { file: "entropy.svg", title: "Policy entropy on answer tokens", yLabel: "entropy (nats)", fields: ["entropy"] },
  { file: "response-length.svg", title: "Response length", yLabel: "tokens", fields: ["response_length"] },
];

/** (step, value) for every record whose field holds a number. */
function fieldSeries(records: readonly MetricRecord[], field: string): Point[] {
  const points: Point[] = [];
  for (const r of records) {
    const value = r[field];
    if (typeof value === "number") points.push({ x: r.step, y: value });
  }
  return points;
}

/**
 * An EMA whose window is about 1/30 of the series: short runs stay unsmoothed (every point matters), long noisy
 * ones read as a curve. Capped so the smoothed line still follows real changes in very long runs.
 */
function smoothingFor(count: number): number {
  return Math.min(0.99, Math.max(0, 1 - 30 / count));
}

/** The points that can be drawn: finite, positive on a log axis, in x order. */
function drawablePoints(points: readonly Point[], logY: boolean): Point[] {
  return points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logY || p.y > 0))
    .sort((a, b) => a.x - b.x);
}

/**
 * Exponential moving average, debiased like TensorBoard's (and Adam's first moment) so the curve does not start
 * out pulled towards zero: each output is the weighted mean of the points seen so far.
 */
export function emaSmooth(points: readonly Point[], weight: number): Point[] {
  let average = 0;
  let debias = 1;
  return points.map((p) => {
    average = average * weight + (1 - weight) * p.y;
    debias *= weight;
    return { x: p.x, y: average / (1 - debias) };
  });
}

interface Axis {
  min: number;
  max: number;
  ticks: number[];
  /** Where a value sits along the axis before scaling: the value itself, or its log10. */
  position(value: number): number;
  label(value: number): string;
}

/** A linear axis whose ends and ticks fall on 1, 2 or 5 times a power of ten. */
function linearAxis(values: readonly number[]): Axis {
  let [lo, hi] = extent(values) ?? [0, 1];
  if (lo === hi) {
    // A single value: give it room on both sides so it sits mid-axis.
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / 5);
  const min = cleanFloat(Math.floor(lo / step) * step);
  const max = cleanFloat(Math.ceil(hi / step) * step);
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(cleanFloat(min + i * step));
  return { min, max, ticks, position: (v) => v, label: (v) => formatTick(v, step) };
}

/** The smallest of 1, 2, 5 times a power of ten that is >= rough. */
export function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const multiple of [1, 2, 5]) if (multiple * power >= rough * (1 - 1e-9)) return cleanFloat(multiple * power);
  return cleanFloat(10 * power);
}

/**
 * A log axis: ends and ticks at 1, 2 and 5 times powers of ten when the data spans few decades, at powers of ten
 * (thinned to about eight) when it spans many.
 */
function logAxis(values: readonly number[]): Axis {
  const [lo, hi] = extent(values) ?? [1, 10];
  const firstDecade = Math.floor(Math.log10(lo));
  const lastDecade = Math.ceil(Math.log10(hi));
  const decades = lastDecade - firstDecade;
  const multiples = decades <= 3 ? [1, 2, 5] : [1];
  const decadeStride = Math.max(1, Math.ceil(decades / 8));
  const candidates: number[] = [];
  for (let d = firstDecade; ; d += decadeStride) {
    for (const m of multiples) candidates.push(cleanFloat(m * 10 ** d));
    if (d >= lastDecade) break;
  }
  // The axis ends on the candidates just outside the data (a single value gets the candidates around it).
  const min = candidates.filter((c) => c <= lo).at(-1) ?? candidates[0]!;
  const max = candidates.find((c) => c > min && c >= hi) ?? min * 10;
  return {
    min,
    max,
    ticks: candidates.filter((c) => c >= min && c <= max),
    position: Math.log10,
    label: (v) => formatTick(v, v),
  };
}

/** [min, max] of the values, or undefined for none (a loop: spreading 100k values into Math.min overflows the stack). */
function extent(values: readonly number[]): [number, number] | undefined {
  if (!values.length) return undefined;
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * A tick label with as few digits as the tick spacing needs: 0.25, 1500, 20k, 3e-4. Small spacings switch the whole
 * axis to exponents (a learning-rate axis reads 2e-4, 4e-4 … 1e-3 rather than mixing in 0.0010).
 */
function formatTick(value: number, step: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e3 && step >= 1e3) {
    const [divisor, suffix] = magnitude >= 1e9 ? [1e9, "G"] : magnitude >= 1e6 ? [1e6, "M"] : [1e3, "k"];
    return `${cleanFloat(value / divisor)}${suffix}`;
  }
  if (step < 1e-3) return cleanFloat(value).toExponential();
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(decimals);
}

/** Removes float noise such as 0.30000000000000004 from computed tick values. */
function cleanFloat(value: number): number {
  return Number(value.toPrecision(12));
}

function legendLabel(series: Series, hasData: boolean): string {
  const smoothing = series.smoothing ?? 0;
  const name = smoothing > 0 ? `${series.name} (EMA ${cleanFloat(smoothing).toFixed(2)})` : series.name;
  return hasData ? name : `${name} (no data)`;
}

/**
 * SVG path data; runs of points that land in the same pixel column keep only their lowest and highest, so a long
 * run's raw curve stays a few thousand segments (and a small file) while looking the same.
 */
function pathData(points: readonly Point[]): string {
  const kept: Point[] = [];
  let column: Point[] = [];
  const flush = (): void => {
    if (column.length <= 2) kept.push(...column);
    else {
      let low = 0, high = 0;
      column.forEach((p, i) => {
        if (p.y < column[low]!.y) low = i;
        if (p.y > column[high]!.y) high = i;
      });
      kept.push(column[Math.min(low, high)]!, column[Math.max(low, high)]!);
    }
    column = [];
  };
  for (const p of points) {
    if (column.length && Math.round(column[0]!.x) !== Math.round(p.x)) flush();
    column.push(p);
  }
  flush();
  return kept.map((p, i) => `${i ? "L" : "M"}${fmt(p.x)} ${fmt(p.y)}`).join("");
}

/** Pixel coordinates to one decimal: finer than any screen, much shorter than full floats. */
function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}
