// Joining blocks of samples (decoders and resamplers hand audio out in pieces).
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every block of a source, joined (for short audio; long audio should be processed block by block). */
export async function collectBlocks(blocks: AsyncIterable<Float32Array>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const b of blocks) parts.push(b);
  return concatFloat32(parts);
}
