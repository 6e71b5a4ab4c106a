// Optional general English for pretraining: the prose of the README files of the npm packages installed under
// node_modules whose package.json declares a permissive licence (MIT, ISC, BSD, Apache-2.0, BlueOak, 0BSD),
// with code blocks, tables, HTML, badges and link targets taken out.
//
// It is off in the shipped recipe (configs/pretrain.json). Installed here are 1.2 MB of READMEs from ~160
// packages; what survives as prose is about 450 kB from 149 of them, nearly all API documentation ("returns the
// chord properties", "config objects appearing later override..."): a register GaMMA never needs to write, it
// would take a tenth of a short CPU run's tokens from the dataset's own text, and it depends on which packages
// a machine happens to have installed, so a run would not be reproducible elsewhere. Debian's /usr/share/doc
// here holds changelogs, copyright files and manuals of system tools, no better.
import fs from "node:fs";
import path from "node:path";
import type { TextDocument } from "./text-documents.js";

const PERMISSIVE_LICENSES = new Set(["MIT", "ISC", "0BSD", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "BlueOak-1.0.0", "Unlicense", "CC0-1.0"]);

/** Whether an SPDX expression lets us use the text freely: a permissive licence alone, or among OR'ed choices. */
export function isPermissive(license: unknown): boolean {
  if (typeof license !== "string") return false;
  if (/\bAND\b|\bWITH\b/.test(license)) return false;
  return license.replace(/[()]/g, " ").split(/\s+OR\s+/).some((l) => PERMISSIVE_LICENSES.has(l.trim()));
}

/** Looks like English sentences: mostly letters, several words, ending like a sentence. */
function isProse(paragraph: string): boolean {
  const words = paragraph.split(/\s+/).filter(Boolean);
  if (words.length < 8 || !/[.!?:]$/.test(paragraph)) return false;
  const letters = (paragraph.match(/[A-Za-z\s]/g) ?? []).length;
  return letters / paragraph.length > 0.85;
}

/** The prose paragraphs of a Markdown README. */
export function readmeProse(markdown: string): string[] {
  const text = markdown
    .replace(/```[\s\S]*?```|~~~[\s\S]*?~~~/g, "\n\n") // fenced code
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<[^>]+>/g, " ") // HTML tags (their text stays)
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "") // images and badges
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1") // links keep their text
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
    .replace(/`([^`]*)`/g, "$1");
  const paragraphs: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => !/^\s*(\||#|\[[^\]]*\]:|\s{4})/.test(l)); // tables, headings, link definitions, indented code
    const paragraph = lines.map((l) => l.replace(/^\s*([-*+>]|\d+\.)\s+/, "").trim()).join(" ").replace(/\s+/g, " ").replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, "$1").trim();
    if (isProse(paragraph)) paragraphs.push(paragraph);
  }
  return paragraphs;
}

/** Every installed package directory (scoped and nested ones too), each name@version once. */
function packageDirs(nodeModules: string): { dir: string; name: string; version: string; license: unknown }[] {
  const found = new Map<string, { dir: string; name: string; version: string; license: unknown }>();
  const visit = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith("@")) { visit(full); continue; }
      const manifest = path.join(full, "package.json");
      if (fs.existsSync(manifest)) {
        try {
          const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string; license?: unknown };
          if (pkg.name) found.set(`${pkg.name}@${pkg.version ?? ""}`, { dir: full, name: pkg.name, version: pkg.version ?? "", license: pkg.license });
        } catch {
          // A broken package.json: not a package we can vouch for.
        }
      }
      visit(path.join(full, "node_modules"));
    }
  };
  visit(nodeModules);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** One document per permissively licensed package whose README has prose, in package-name order. */
export function npmReadmeDocuments(nodeModules: string): TextDocument[] {
  const docs: TextDocument[] = [];
  for (const pkg of packageDirs(nodeModules)) {
    if (!isPermissive(pkg.license)) continue;
    const readme = fs.readdirSync(pkg.dir).find((f) => /^readme(\.md|\.markdown)?$/i.test(f));
    if (!readme) continue;
    const prose = readmeProse(fs.readFileSync(path.join(pkg.dir, readme), "utf8"));
    if (prose.length > 0) docs.push({ id: `npm:${pkg.name}@${pkg.version}`, source: "extra", text: prose.join("\n\n") });
  }
  return docs;
}
