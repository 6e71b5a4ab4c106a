// gamma-music's library entry point: the model as an application uses it (load the shipped model or a model
// directory, ask about a recording, read its sections, hold a conversation), and the engine, also importable
// alone as "gamma-music/engine".
export { type AskResult, defaultModelDir, Gamma, type HeardClip, type ReplyOptions } from "./model/pipeline.js";
export type { TimelineSection } from "./model/timeline.js";
export type { ChatMessage } from "./model/tokenizer/chat.js";
export * from "./engine/index.js";
