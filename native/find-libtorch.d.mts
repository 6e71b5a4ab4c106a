// Types for find-libtorch.mjs (plain JavaScript, so it runs before the TypeScript is compiled).
export interface Libtorch {
  source: string;
  root: string;
  includeDirs: string[];
  libDir: string;
  libs: string[];
  version: string;
  cuda: string | null;
  cxx11Abi: number | null;
  rpath: boolean;
}
export function findLibtorch(): { found: Libtorch | null; tried: string[] };
