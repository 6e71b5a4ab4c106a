// The metrics log (append, kill-tolerant read, truncation on resume) and the SVG training curves drawn from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MetricsLog, type MetricRecord } from "../src/train/metrics.js";
import { emaSmooth, niceStep, plotRun, renderLineChart, type Point } from "../src/train/plot.js";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "gamma-metrics-"));
}

/** Checks the SVG is one balanced element tree rooted at <svg> and that every & starts an entity. */
function assertWellFormedSvg(svg: string): void {
  assert.ok(svg.startsWith("<svg "), "starts with <svg");
  assert.ok(svg.trimEnd().endsWith("</svg>"), "ends with </svg>");
  const open: string[] = [];
  for (const [, closing, name, , selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) assert.equal(open.pop(), name, `</${name}> closes the element that is open`);
    else open.push(name!);
  }
  assert.deepEqual(open, [], "every element is closed");
  const textOutsideTags = svg.replace(/<[^>]*>/g, "");
  assert.ok(!textOutsideTags.includes("<") && !textOutsideTags.includes(">"), "no stray angle brackets");
  assert.ok(!/&(?!(lt|gt|amp|quot|apos);)/.test(svg), "every & is an entity");
}

/** The d attributes of the chart's <path> elements. */
function paths(svg: string): string[] {
  return [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
}

/** The vertices of path data such as "M1 2L3 4". */
function vertices(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

/** The y pixel coordinates of path data (the x ones depend on how much room the legend takes). */
function pathYs(d: string): number[] {
  return [...d.matchAll(/[ML][\d.-]+ ([\d.-]+)/g)].map((m) => Number(m[1]));
}

const line = (ys: number[]): Point[] => ys.map((y, x) => ({ x, y }));

test("MetricsLog: appended records read back in order, in a folder it creates", () => {
  const file = path.join(tempDir(), "run", "metrics.jsonl");
  const log = new MetricsLog(file);
  const records: MetricRecord[] = [
    { step: 1, time: 1732630000.5, split: "train", loss: 2.31, lr: 0.0003, tokens_per_s: 5400 },
    { step: 2, split: "eval", loss: 2.05, accuracy: 0.41, accuracy_temporal: 0.38 },
  ];
  for (const r of records) log.append(r);
  assert.deepEqual(MetricsLog.read(file), records);
  assert.equal(fs.readFileSync(file, "utf8").split("\n").length, 3, "one line per record, newline-terminated");
});

test("MetricsLog: a non-finite metric is stored as null and a record needs a finite step", () => {
  const file = path.join(tempDir(), "metrics.jsonl");
  const log = new MetricsLog(file);
  log.append({ step: 3, loss: NaN });
  assert.deepEqual(MetricsLog.read(file), [{ step: 3, loss: null }]);
  assert.throws(() => log.append({ step: NaN }), /finite numeric step/);
});

test("MetricsLog: a torn last line from a kill is dropped, and the next append cuts it off", () => {
  const file = path.join(tempDir(), "metrics.jsonl");
  fs.writeFileSync(file, '{"step":1,"loss":3}\n\n{"step":2,"loss":2.5}\n{"step":3,"lo');
  assert.deepEqual(MetricsLog.read(file), [{ step: 1, loss: 3 }, { step: 2, loss: 2.5 }]);
  new MetricsLog(file).append({ step: 3, loss: 2.4 });
  assert.deepEqual(MetricsLog.read(file).map((r) => r.step), [1, 2, 3]);
  assert.ok(!fs.readFileSync(file, "utf8").includes('"lo\n'), "the fragment is gone");
});

test("MetricsLog: a whole last record without its newline is kept, and the next append starts a new line", () => {
  const file = path.join(tempDir(), "metrics.jsonl");
  fs.writeFileSync(file, '{"step":1,"loss":3}');
  assert.deepEqual(MetricsLog.read(file), [{ step: 1, loss: 3 }]);
  new MetricsLog(file).append({ step: 2, loss: 2 });
  assert.deepEqual(MetricsLog.read(file).map((r) => r.step), [1, 2]);
});

test("MetricsLog: a corrupt line in the middle is an error naming file:line", () => {
  const file = path.join(tempDir(), "metrics.jsonl");
  fs.writeFileSync(file, '{"step":1}\n{"step":2,\n{"step":3}\n');
  assert.throws(() => MetricsLog.read(file), (err: Error) => err.message.startsWith(`${file}:2: corrupt metrics line`));
  fs.writeFileSync(file, '{"step":1}\n["not a record"]\n');
  assert.throws(() => MetricsLog.read(file), (err: Error) => err.message.startsWith(`${file}:2: `) && /numeric "step"/.test(err.message));
});

test("MetricsLog.truncateAfter keeps steps <= the checkpoint's, atomically, and appends continue after it", () => {
  const dir = tempDir();
  const file = path.join(dir, "metrics.jsonl");
  const log = new MetricsLog(file);
  for (let step = 10; step <= 50; step += 10) log.append({ step, split: "train", loss: 1 / step });
  log.append({ step: 40, split: "eval", loss: 0.5 });
  fs.appendFileSync(file, '{"step":60,'); // and a torn line from the kill
  assert.equal(log.truncateAfter(30), 3);
  assert.deepEqual(MetricsLog.read(file).map((r) => r.step), [10, 20, 30]);
  assert.deepEqual(fs.readdirSync(dir), ["metrics.jsonl"], "no temporary file left behind");
  log.append({ step: 40, split: "train", loss: 0.025 });
  assert.deepEqual(MetricsLog.read(file).map((r) => r.step), [10, 20, 30, 40]);
  assert.equal(new MetricsLog(path.join(dir, "absent.jsonl")).truncateAfter(5), 0);
});

test("renderLineChart: well-formed SVG with the title, labels and every series name; text is escaped", () => {
  const svg = renderLineChart({
    title: `loss <train> & "eval"`,
    xLabel: "step",
    yLabel: "loss",
    series: [
      { name: "train loss", points: line([3, 2.5, 2.2, 2]) },
      { name: "eval <held-out>", points: [{ x: 1, y: 2.6 }, { x: 3, y: 2.1 }], markers: true },
    ],
  });
  assertWellFormedSvg(svg);
  assert.ok(svg.includes("loss &lt;train&gt; &amp; &quot;eval&quot;"), "title escaped");
  assert.ok(svg.includes("train loss") && svg.includes("eval &lt;held-out&gt;"));
  assert.ok(svg.includes(">step</text>"));
  assert.equal(paths(svg).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 2, "markers on the eval series");
});

test("renderLineChart: smoothing draws the raw line faint and a different, smoothed line strong", () => {
  const noisy = line([5, 1, 5, 1, 5, 1, 5, 1]);
  const raw = paths(renderLineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: noisy }] }));
  const smoothedSvg = renderLineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: noisy, smoothing: 0.8 }] });
  const smoothed = paths(smoothedSvg);
  assert.equal(raw.length, 1);
  assert.equal(smoothed.length, 2, "raw and smoothed");
  assert.deepEqual(pathYs(smoothed[0]!), pathYs(raw[0]!), "the faint line is the raw data");
  assert.notDeepEqual(pathYs(smoothed[1]!), pathYs(raw[0]!));
  assert.ok(smoothedSvg.includes('stroke-opacity="0.25"'));
  assert.throws(() => renderLineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: noisy, smoothing: 1 }] }), RangeError);
});

test("emaSmooth is debiased: a constant series stays constant from the first point", () => {
  assert.deepEqual(emaSmooth(line([2, 2, 2]), 0.9).map((p) => Math.round(p.y * 1e12) / 1e12), [2, 2, 2]);
});

test("renderLineChart: a log y axis skips values <= 0 and ticks on 1-2-5 times powers of ten", () => {
  const svg = renderLineChart({ title: "t", xLabel: "x", yLabel: "y", logY: true, series: [{ name: "s", points: line([-1, 0, 0.5, 3, 40]) }] });
  assertWellFormedSvg(svg);
  const [d] = paths(svg);
  assert.equal(vertices(d!), 3);
  const yTicks = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(yTicks, ["0.5", "1", "2", "5", "10", "20", "50"]);
});

test("renderLineChart: NaN and infinite points are skipped; empty series and lone points do not break it", () => {
  const svg = renderLineChart({
    title: "t",
    xLabel: "x",
    yLabel: "y",
    series: [
      { name: "gappy", points: [{ x: 0, y: 1 }, { x: 1, y: NaN }, { x: 2, y: Infinity }, { x: NaN, y: 2 }, { x: 3, y: 2 }] },
      { name: "empty", points: [] },
      { name: "lone", points: [{ x: 1, y: 1.5 }] },
    ],
  });
  assertWellFormedSvg(svg);
  assert.ok(!/NaN|Infinity/.test(svg));
  assert.equal(vertices(paths(svg)[0]!), 2);
  assert.ok(svg.includes("empty (no data)"));
  assert.equal((svg.match(/<circle /g) ?? []).length, 1, "a lone point is drawn as a dot");

  const nothing = renderLineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: [{ x: 1, y: NaN }] }] });
  assertWellFormedSvg(nothing);
  assert.ok(nothing.includes(">no data</text>"));
  const single = renderLineChart({ title: "t", xLabel: "x", yLabel: "y", logY: true, series: [{ name: "s", points: [{ x: 5, y: 2 }] }] });
  assertWellFormedSvg(single);
  assert.ok(!/NaN|Infinity/.test(single));
});

test("niceStep rounds up to 1, 2 or 5 times a power of ten", () => {
  assert.deepEqual([0.13, 0.2, 3, 7, 1, 1200, 4e-5].map(niceStep), [0.2, 0.2, 5, 10, 1, 2000, 5e-5]);
});

test("plotRun writes loss, accuracy and lr charts from metrics.jsonl", () => {
  const run = tempDir();
  const log = new MetricsLog(path.join(run, "metrics.jsonl"));
  for (let step = 10; step <= 1000; step += 10) {
    log.append({ step, split: "train", loss: 1 + 5 * Math.exp(-step / 200) + 0.1 * Math.sin(step), lr: 3e-4 });
    if (step % 250 === 0) log.append({ step, split: "eval", loss: 1.1 + 5 * Math.exp(-step / 200), accuracy: step / 2000, accuracy_temporal: step / 3000 });
  }
  const written = plotRun(run);
  assert.deepEqual(written, ["loss.svg", "accuracy.svg", "lr.svg"].map((f) => path.join(run, "plots", f)));
  for (const file of written) assertWellFormedSvg(fs.readFileSync(file, "utf8"));
  const loss = fs.readFileSync(written[0]!, "utf8");
  assert.ok(loss.includes("train loss (EMA") && loss.includes("eval loss"));
  const accuracy = fs.readFileSync(written[1]!, "utf8");
  assert.ok(accuracy.includes(">accuracy</text>") && accuracy.includes(">accuracy_temporal</text>"));
  assert.deepEqual(fs.readdirSync(path.join(run, "plots")).sort(), ["accuracy.svg", "loss.svg", "lr.svg"], "no temporary files left");
});

test("plotRun skips charts without data: no eval records means no accuracy.svg, no lr means no lr.svg", () => {
  const run = tempDir();
  const log = new MetricsLog(path.join(run, "metrics.jsonl"));
  for (let step = 1; step <= 5; step++) log.append({ step, split: "train", loss: 3 - step / 10 });
  assert.deepEqual(plotRun(run), [path.join(run, "plots", "loss.svg")]);
  assert.deepEqual(fs.readdirSync(path.join(run, "plots")), ["loss.svg"]);
});
