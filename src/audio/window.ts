// Whole songs as model-sized windows that keep their absolute time: the model and the data tools both cut a
// song's log-mel into windows this way, so "what happens at 2:40" maps to a window and a frame within it.
import { FRAMES_PER_SECOND } from "./mel.js";
import type { Tensor } from "../engine/tensor.js";

export interface AudioWindow {
  index: number;
  /** Absolute start and end in seconds within the song. */
  start: number;
  end: number;
  /** First mel frame and number of frames (the last window may be shorter). */
  startFrame: number;
  frames: number;
}

export interface WindowOptions {
  /** Window length in seconds (default 30, Whisper's). */
  seconds?: number;
  /** Step between window starts in seconds (default = seconds: no overlap). */
  hopSeconds?: number;
}

/** Windows covering totalFrames mel frames (100 per second). */
export function planWindows(totalFrames: number, o: WindowOptions = {}): AudioWindow[] {
  const seconds = o.seconds ?? 30, hop = o.hopSeconds ?? seconds;
  if (!(seconds > 0) || !(hop > 0)) throw new RangeError("windows: seconds and hopSeconds must be positive");
  const size = Math.round(seconds * FRAMES_PER_SECOND), step = Math.round(hop * FRAMES_PER_SECOND);
  const windows: AudioWindow[] = [];
  for (let startFrame = 0, index = 0; startFrame < totalFrames; startFrame += step, index++) {
    const frames = Math.min(size, totalFrames - startFrame);
    windows.push({ index, start: startFrame / FRAMES_PER_SECOND, end: (startFrame + frames) / FRAMES_PER_SECOND, startFrame, frames });
    if (startFrame + frames >= totalFrames) break;
  }
  return windows;
}

/** The window's slice of a log-mel [nMels, frames] (a view: no copy). */
export function melWindow(mel: Tensor, w: AudioWindow): Tensor {
  return mel.narrow(-1, w.startFrame, w.frames);
}
