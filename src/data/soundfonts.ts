// The General MIDI soundfonts the world renders with. Training sets use the MIT-licensed ones; SynthBench holds
// one out (TimGM6mb, GPL-2 sample data: used to render benchmark audio on the user's machine, never shipped).
import fs from "node:fs";

export interface Soundfont {
  id: string;
  path: string;
  license: string;
  /** Whether training sets may use it (false: held out for SynthBench). */
  training: boolean;
  debianPackage: string;
}

export const SOUNDFONTS: readonly Soundfont[] = [
  { id: "fluidr3", path: "/usr/share/sounds/sf2/FluidR3_GM.sf2", license: "MIT", training: true, debianPackage: "fluid-soundfont-gm" },
  { id: "musescore", path: "/usr/share/sounds/sf2/MuseScore_General_Full.sf2", license: "MIT", training: true, debianPackage: "musescore-general-soundfont-lossless" },
  { id: "timgm6mb", path: "/usr/share/sounds/sf2/TimGM6mb.sf2", license: "GPL-2 (sample data)", training: false, debianPackage: "timgm6mb-soundfont" },
];

/** The soundfonts present on this machine (GAMMA_SOUNDFONT_DIR adds a folder of *.sf2 for training). */
export function availableSoundfonts(): Soundfont[] {
  const found = SOUNDFONTS.filter((s) => fs.existsSync(s.path));
  const extra = process.env.GAMMA_SOUNDFONT_DIR;
  if (extra && fs.existsSync(extra)) {
    for (const f of fs.readdirSync(extra).filter((n) => n.toLowerCase().endsWith(".sf2")).sort()) {
      found.push({ id: f.replace(/\.sf2$/i, "").toLowerCase(), path: `${extra}/${f}`, license: "user-supplied", training: true, debianPackage: "" });
    }
  }
  return found;
}

export function soundfontById(id: string): Soundfont {
  const s = availableSoundfonts().find((x) => x.id === id);
  if (!s) {
    const known = SOUNDFONTS.find((x) => x.id === id);
    throw new Error(known ? `soundfont ${id} is not installed (${known.path}); install it with: apt-get install ${known.debianPackage}` : `unknown soundfont "${id}"`);
  }
  return s;
}
