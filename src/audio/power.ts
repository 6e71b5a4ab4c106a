// The power spectrum of an STFT, shared by the log-mel and the semitone spectrogram.
import { keep } from "../engine/scope.js";
import { type Tensor, tensor } from "../engine/tensor.js";

// [[scale], [scale]] per dtype and scale: every frame of every song multiplies by the same tiny matrix.
const pairSums = new Map<string, Tensor>();

/**
 * |X|^2 * scale of a complex STFT [.., freqs, frames] as real [.., frames, freqs]. libtorch returns the
 * spectrum as a [freqs, frames] view of a [frames, freqs] buffer, so this works in the buffer's order
 * (contiguous) and sums the re^2 + im^2 pairs with a tiny matmul, far faster than a reduction over a size-2
 * dimension.
 */
export function powerSpectrum(spec: Tensor, scale = 1): Tensor {
  const dtype = spec.dtype === "complex128" ? "float64" : "float32";
  const key = `${dtype}:${scale}`;
  let pairSum = pairSums.get(key);
  if (!pairSum) {
    pairSum = keep(tensor([[scale], [scale]], { dtype }));
    pairSums.set(key, pairSum);
  }
  return spec.transpose(-1, -2).viewAsReal().square().matmul(pairSum).squeeze(-1);
}
