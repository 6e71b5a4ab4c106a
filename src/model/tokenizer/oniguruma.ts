// Hugging Face tokenizers compile Split patterns with Oniguruma; JavaScript's RegExp (Node 20) reads most of
// that syntax the same way but not all of it. This translator rewrites the differences that shipped
// tokenizers use and refuses, by name, the ones it cannot express:
// - inline case-insensitive groups "(?i:'s|'t)" (Qwen2, Llama-3): Node 20 has no inline modifiers, so each
//   cased letter inside becomes a two-case class ("[sS]");
// - \s, \d, \w are Unicode-aware in Oniguruma but ASCII-leaning in JavaScript (JS \s also takes U+FEFF and
//   misses U+0085): written as the Unicode properties Oniguruma uses;
// - "." stops only at "\n" in Oniguruma;
// - escaped punctuation such as "\'" is legal in Oniguruma but a syntax error in a JS "u" pattern.

/** Characters a "u" pattern allows to be escaped (plus "-" inside a class). */
const SYNTAX_CHARS = new Set("^$\\.*+?()[]{}|/");
/** Escapes that mean the same in both engines. */
const SHARED_ESCAPES = new Set("nrtfv0xubBk");
const WORD_CHARS = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";

/** Escapes whose Oniguruma meaning is a Unicode set, written for use inside or outside a class. */
const SET_ESCAPES: Record<string, { inClass: string | undefined; outside: string }> = {
  s: { inClass: "\\p{White_Space}", outside: "\\p{White_Space}" },
  S: { inClass: "\\P{White_Space}", outside: "\\P{White_Space}" },
  d: { inClass: "\\p{Nd}", outside: "\\p{Nd}" },
  D: { inClass: "\\P{Nd}", outside: "\\P{Nd}" },
  w: { inClass: WORD_CHARS, outside: `[${WORD_CHARS}]` },
  W: { inClass: undefined, outside: `[^${WORD_CHARS}]` },
};

export class UnsupportedPatternError extends Error {}

function otherCase(char: string): string | undefined {
  const lower = char.toLowerCase(), upper = char.toUpperCase();
  const other = char === lower ? upper : lower;
  return other !== char && [...other].length === 1 ? other : undefined;
}

function asciiLetterRangeOtherCase(from: string, to: string): string | undefined {
  const isLower = (c: string) => c >= "a" && c <= "z";
  const isUpper = (c: string) => c >= "A" && c <= "Z";
  if (isLower(from) && isLower(to)) return `${from.toUpperCase()}-${to.toUpperCase()}`;
  if (isUpper(from) && isUpper(to)) return `${from.toLowerCase()}-${to.toLowerCase()}`;
  return undefined;
}

/** The JavaScript ("u" flag) source of an Oniguruma pattern; throws UnsupportedPatternError naming the construct. */
export function translateOnigurumaPattern(pattern: string): string {
  const chars = [...pattern];
  let out = "";
  let inClass = false;
  // One entry per open group: whether it is case-insensitive (inherited by nested groups).
  const groups: boolean[] = [];
  const caseless = () => groups.at(-1) === true;

  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "\\") {
      const e = chars[++i];
      if (e === undefined) throw new UnsupportedPatternError("a trailing backslash");
      const set = SET_ESCAPES[e];
      if (set) {
        const text = inClass ? set.inClass : set.outside;
        if (text === undefined) throw new UnsupportedPatternError(`\\${e} inside a character class`);
        out += text;
      } else if ((e === "p" || e === "P") && chars[i + 1] === "{") {
        const end = chars.indexOf("}", i);
        if (end < 0) throw new UnsupportedPatternError(`an unclosed \\${e}{`);
        out += `\\${chars.slice(i, end + 1).join("")}`;
        i = end;
      } else if (SHARED_ESCAPES.has(e) || SYNTAX_CHARS.has(e) || (inClass && e === "-")) {
        out += `\\${e}`;
      } else if (/[\p{L}\p{N}]/u.test(e)) {
        throw new UnsupportedPatternError(`the escape \\${e}`);
      } else {
        out += e; // escaped punctuation that needs no escape
      }
    } else if (inClass) {
      if (c === "]") {
        inClass = false;
        out += c;
      } else if (c === "[" || (c === "&" && chars[i + 1] === "&")) {
        throw new UnsupportedPatternError("nested character classes, POSIX brackets or class intersections");
      } else if (caseless() && chars[i + 1] === "-" && chars[i + 2] !== undefined && chars[i + 2] !== "]") {
        const to = chars[i + 2]!;
        const other = asciiLetterRangeOtherCase(c, to);
        if (other === undefined && (otherCase(c) || otherCase(to))) throw new UnsupportedPatternError(`the case-insensitive range ${c}-${to}`);
        out += `${c}-${to}${other ?? ""}`;
        i += 2;
      } else {
        out += c + (caseless() ? (otherCase(c) ?? "") : "");
      }
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (chars[i + 1] === "^") out += chars[++i];
    } else if (c === "(") {
      if (chars[i + 1] !== "?") {
        groups.push(caseless());
        out += c;
        continue;
      }
      const rest = chars.slice(i + 2, i + 5).join("");
      if (rest.startsWith("i:")) {
        groups.push(true);
        out += "(?:";
        i += 3;
      } else if (/^(:|=|!|<=|<!|<[A-Za-z])/.test(rest)) {
        groups.push(caseless());
        out += c;
      } else {
        throw new UnsupportedPatternError(`the group "(?${rest}…" (atomic groups, inline flags other than (?i:…))`);
      }
    } else if (c === ")") {
      groups.pop();
      out += c;
    } else if (c === ".") {
      out += "[^\\n]";
    } else if ((c === "+" || c === "*" || c === "?") && chars[i + 1] === "+") {
      throw new UnsupportedPatternError("possessive quantifiers");
    } else {
      const other = caseless() ? otherCase(c) : undefined;
      out += other ? `[${c}${other}]` : c;
    }
  }
  return out;
}
