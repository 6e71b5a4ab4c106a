// The normalizer step of tokenizer.json: none, or Unicode normalization forms (Qwen2 ships NFC), possibly in a
// Sequence. Anything else (lowercasing, stripping, replacements) is refused rather than silently skipped,
// since skipping it would change the ids.
import { asObject, componentType, unsupported } from "./format.js";

export type Normalize = (text: string) => string;

const FORMS = new Set(["NFC", "NFD", "NFKC", "NFKD"]);

export function buildNormalizer(json: unknown, source: string): Normalize {
  if (json === null || json === undefined) return (text) => text;
  const steps = flatten(json, source);
  return (text) => steps.reduce((t, form) => t.normalize(form), text);
}

function flatten(json: unknown, source: string): string[] {
  const obj = asObject(json, source, "normalizer");
  const type = componentType(obj, source, "normalizer");
  if (FORMS.has(type)) return [type];
  if (type === "Sequence" && Array.isArray(obj.normalizers)) return obj.normalizers.flatMap((n: unknown) => flatten(n, source));
  throw unsupported(source, `normalizer ${type}`);
}
