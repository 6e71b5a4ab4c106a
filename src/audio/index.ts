// The audio front end: decode by content, resample, Whisper log-mel, whole-song windows.
export * from "./errors.js";
export * from "./sniff.js";
export * from "./load.js";
export * from "./resample.js";
export * from "./mel.js";
export * from "./window.js";
export * from "./npy.js";
