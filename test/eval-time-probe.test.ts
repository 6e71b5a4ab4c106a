import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../src/engine/tensor.js";
import { Rng } from "../src/music/rng.js";
import { contrastRows, crossValidatedTimeProbe, type ProbeSong } from "../src/eval/time-probe.js";
import { matchTimes } from "../src/eval/timeline-score.js";
import { peakTimes } from "../src/model/timeline.js";
import { FAMILY_CLASSES, innerBoundaries, SECTION_CLASSES, timelineTargets } from "../src/train/targets.js";
import { randomSongs } from "./text-songs.js";

test("contrastRows: each token beside how far the mean of what follows lies from the mean of what came before", () => {
  const x = tensor(Float32Array.from([0, 0, 0, 6, 6, 6]), { shape: [6, 1] });
  const rows = contrastRows(x, 2).toFloat32Array();
  // token 2 (value 0): before = mean(0, 0), after = mean(6, 6): 6; token 4: before mean(0, 6), after 6: 3.
  assert.deepEqual(Array.from(rows), [0, 0, 0, 3, 0, 6, 6, 6, 6, 3, 6, 0]);
  // A fall reads as large as a rise.
  const fall = contrastRows(tensor(Float32Array.from([6, 6, 6, 0, 0, 0]), { shape: [6, 1] }), 2).toFloat32Array();
  assert.equal(fall[5], 6);
});

test("peakTimes: one time per peak above 0.5, neighbours within the gap merged into the stronger", () => {
  const p = Float32Array.from([0.1, 0.6, 0.9, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.55]);
  // At 1 s a token and a 2 s gap: the peak at token 2 swallows 1 and 3; token 10 is within 2 of token 8 and weaker.
  assert.deepEqual(peakTimes(p, 1, 2), [2.5, 8.5]);
  assert.deepEqual(peakTimes(Float32Array.from([0.4, 0.5, 0.3]), 1, 2), []);
  // Equal peaks: the earliest is kept.
  assert.deepEqual(peakTimes(Float32Array.from([0.9, 0.9]), 1, 2), [0.5]);
});

test("matchTimes: each true time is found at most once, nearest first, within the tolerance", () => {
  assert.equal(matchTimes([10, 10.5, 30], [10.2, 20, 31.5], 1), 1);
  assert.equal(matchTimes([10, 20.9], [10.2, 20], 1), 2);
  assert.equal(matchTimes([], [5], 1), 0);
});

/** Songs whose tokens say (through noise) which section and which families are playing, or say nothing at all. */
function probeSongs(informative: boolean, count: number, tokenSeconds: number): ProbeSong[] {
  const rng = new Rng(7);
  const d = SECTION_CLASSES.length + FAMILY_CLASSES.length + 1;
  return randomSongs(count, 3).map((annotation) => {
    const n = Math.ceil(annotation.global.duration / tokenSeconds);
    const t = timelineTargets(annotation, n, tokenSeconds, 0.5);
    const tokens = new Float32Array(n * d);
    for (let k = 0; k < n; k++) {
      for (let c = 0; c < d; c++) tokens[k * d + c] = 0.3 * (rng.next() * 2 - 1);
      if (!informative) continue;
      if (t.section[k]! >= 0) tokens[k * d + t.section[k]!]! += 1;
      for (let f = 0; f < FAMILY_CLASSES.length; f++) tokens[k * d + SECTION_CLASSES.length + f]! += t.families[k * FAMILY_CLASSES.length + f]!;
    }
    return { tokens, n, d, tokenSeconds, annotation };
  });
}

test("crossValidatedTimeProbe reads a timeline that the tokens carry, and reads nothing from noise", () => {
  const o = { folds: 3, steps: 150, contrastTokens: 3, trainStride: 2 };
  const heard = crossValidatedTimeProbe(probeSongs(true, 9, 0.4), o);
  assert.equal(heard.songs, 9);
  assert.ok(heard.sectionAccuracy > 0.9, `section accuracy ${heard.sectionAccuracy}`);
  assert.ok(heard.boundaryF1 > 0.8, `boundary F1 ${heard.boundaryF1}`);
  // Families met in one song only are never seen by the head that scores that song, hence the margin.
  assert.ok(heard.familyAccuracy > heard.familyMajority + 0.08, `family accuracy ${heard.familyAccuracy} vs ${heard.familyMajority}`);

  const noise = crossValidatedTimeProbe(probeSongs(false, 9, 0.4), o);
  assert.ok(noise.sectionAccuracy < noise.sectionMajority + 0.1, `noise section ${noise.sectionAccuracy} vs majority ${noise.sectionMajority}`);
  assert.ok(noise.boundaryF1 < 0.3, `noise boundary F1 ${noise.boundaryF1}`);
  assert.ok(noise.familyAccuracy < noise.familyMajority + 0.03, `noise families ${noise.familyAccuracy} vs ${noise.familyMajority}`);
  assert.ok(heard.sectionCountAccuracy > noise.sectionCountAccuracy, `section count ${heard.sectionCountAccuracy} vs noise ${noise.sectionCountAccuracy}`);
});

test("innerBoundaries: every section start but the song's first", () => {
  const [song] = randomSongs(1, 5);
  const starts = song!.temporal.sections.map((s) => s.start);
  assert.deepEqual(innerBoundaries(song!), starts.slice(1));
});
