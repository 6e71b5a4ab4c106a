// Global captions for alignment pretraining: each one a random subset of the song's global facts in a random
// order, written in one of several shapes (a descriptive sentence or two, a tag list, a telegraphic line, a
// listener's sentence). No two captions of one song are the same text.
import type { Rng } from "../../music/rng.js";
import type { SongAnnotation } from "../schema.js";
import { factPhrases, type FactKind, type FactPhrase } from "./phrases.js";
import { capitalize, listJoin, sentence, withArticle } from "./words.js";

const KINDS: readonly FactKind[] = ["style", "key", "tempo", "tempoClass", "metre", "instruments", "lead", "mood", "duration"];
const NOUNS = ["piece", "track", "song", "tune", "number", "recording", "composition", "instrumental"];

/** n captions (default 5), all different. */
export function captions(a: SongAnnotation, rng: Rng, n = 5): string[] {
  const out = new Set<string>();
  for (let tries = 0; out.size < n && tries < n * 20; tries++) out.add(caption(a, rng));
  return [...out];
}

function caption(a: SongAnnotation, rng: Rng): string {
  const phrases = factPhrases(a, rng);
  // At least three facts, any of them, in any order.
  const count = rng.int(3, KINDS.length);
  const chosen = rng.shuffle(KINDS).flatMap((k) => phrases[k] ?? []).slice(0, count);
  const shape = rng.weighted<(f: FactPhrase[], r: Rng) => string>([[prose, 5], [tags, 1.5], [telegraphic, 1.5], [listener, 2]]);
  return shape(chosen, rng);
}

/**
 * "A brisk, melancholic bossa nova track in A minor, led by the flute. It lasts 3:12.4 and is counted in 4/4."
 * Adjective facts may go before the noun, the style names it, up to two facts attach as modifiers and the rest
 * follow as predicates of "It".
 */
function prose(facts: FactPhrase[], rng: Rng): string {
  const style = facts.find((f) => f.kind === "style");
  let rest = facts.filter((f) => f !== style);
  const adjectives = rest.filter((f) => f.adjective && rng.chance(0.6));
  rest = rest.filter((f) => !adjectives.includes(f));
  // A bare noun ("An instrumental.") says nothing: it takes at least one modifier when nothing else qualifies it.
  const minModifiers = adjectives.length === 0 && !style ? 1 : 0;
  const modifiers = rest.slice(0, rng.int(minModifiers, Math.min(2, rest.length)));
  const predicates = rest.slice(modifiers.length);
  const noun = [...adjectives.map((f) => f.adjective!), ...(style ? [style.value] : []), rng.pick(NOUNS)];
  const head = adjectives.length > 1 ? `${adjectives.map((f) => f.adjective!).join(", ")} ${noun.slice(adjectives.length).join(" ")}` : noun.join(" ");
  const np = `${withArticle(head)}${modifiers.length > 0 ? ` ${listJoin(modifiers.map((m) => m.modifier))}` : ""}`;
  const opener = rng.pick(["", "", "This is ", "Here is ", "We hear ", "A recording of "]);
  const sentences = [sentence(`${opener}${np}`)];
  // Predicates in sentences of one or two: "It is in D minor and moves at 96 BPM."
  let subject = "";
  for (let i = 0; i < predicates.length; ) {
    const take = Math.min(predicates.length - i, rng.int(1, 2));
    // Vary the subject, never the same one twice in a row.
    subject = rng.pick(["It", "The song", "The piece", "It", "The track"].filter((x) => x !== subject));
    sentences.push(sentence(`${subject} ${listJoin(predicates.slice(i, i + take).map((p) => p.predicate))}`));
    i += take;
  }
  return sentences.join(" ");
}

/** "Key: D minor. Tempo: 96 BPM. Mood: calm." with a random separator. */
function tags(facts: FactPhrase[], rng: Rng): string {
  const [sep, end] = rng.pick([[". ", "."], ["; ", ""], [" | ", ""], [", ", ""]] as const);
  return facts.map((f) => `${f.tag[0]}: ${f.tag[1]}`).join(sep) + end;
}

/** "bossa nova, A minor, 132 BPM, romantic" */
function telegraphic(facts: FactPhrase[], rng: Rng): string {
  const text = facts.map((f) => f.value).join(rng.pick([", ", "; ", " / "]));
  return rng.chance(0.5) ? capitalize(text) : text;
}

/** "You can hear a song that is in D minor, moves at 96 BPM and feels calm." */
function listener(facts: FactPhrase[], rng: Rng): string {
  const start = rng.pick(["You can hear a recording that", "What plays here is music that", "The listener hears a piece that", "This audio contains a track that"]);
  return sentence(`${start} ${listJoin(facts.map((f) => f.predicate))}`);
}
