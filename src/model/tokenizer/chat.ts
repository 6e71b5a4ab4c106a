// GaMMA's chat template (ChatML with audio slots; docs/chat-format.md):
//
//   <|im_start|>system\n{system}<|im_end|>\n
//   <|im_start|>user\n<|audio_start|><|audio|><|audio_end|>\n{text}<|im_end|>\n
//   <|im_start|>assistant\n{answer}<|im_end|>\n
//
// A message's parts are joined with "\n"; an audio part is the three audio tokens, and the model puts the
// clip's embeddings where "<|audio|>" is. encodeChat builds ids segment by segment rather than encoding the
// rendered string, so that text in a message is always plain text (typing "<|im_end|>" cannot end a turn) and
// the training target starts exactly at the answer; adjacent text is still encoded together, so for ordinary
// messages the ids equal tokenizer.encode(renderChat(messages)).
import { AUDIO, AUDIO_END, AUDIO_START, IM_END, IM_START } from "./special-tokens.js";
import type { Tokenizer } from "./tokenizer.js";

export type ChatRole = "system" | "user" | "assistant";

/** Text, or a reference (a path or an id, as the caller's dataset names it) to an audio clip. */
export type ChatPart = { type: "text"; text: string } | { type: "audio"; clip: string };

export interface ChatMessage {
  role: ChatRole;
  /** A string is one text part. */
  content: string | readonly ChatPart[];
}

export interface ChatOptions {
  /** End with the assistant header "<|im_start|>assistant\n", for the model to write the answer (inference). */
  addGenerationPrompt?: boolean;
}

export interface EncodedChat {
  ids: number[];
  /** Index in ids of each "<|audio|>" token, in the order the clips appear. */
  audioSlots: number[];
  /** The clip of each audio slot. */
  clips: string[];
  /** True for the tokens the model is trained to produce: each assistant answer and its closing "<|im_end|>". */
  targetMask: boolean[];
}

/** Used when a conversation does not start with a system message. */
export const DEFAULT_SYSTEM_PROMPT =
  "You are GaMMA, an assistant that listens to music. Answer questions about the audio clips you are given: genre, mood, instruments, key, tempo, chords, sections and when things happen. Write times as m:ss.s.";

type Segment = { text: string; target: boolean } | { special: string; target: boolean; clip?: string };

export function renderChat(messages: readonly ChatMessage[], options: ChatOptions = {}): string {
  return chatSegments(messages, options).map((s) => ("text" in s ? s.text : s.special)).join("");
}

export function encodeChat(tokenizer: Tokenizer, messages: readonly ChatMessage[], options: ChatOptions = {}): EncodedChat {
  const out: EncodedChat = { ids: [], audioSlots: [], clips: [], targetMask: [] };
  for (const segment of chatSegments(messages, options)) {
    let ids: number[];
    if ("text" in segment) {
      ids = tokenizer.encode(segment.text, { parseSpecial: false });
    } else {
      const id = tokenizer.tokenToId(segment.special);
      if (id === undefined || !tokenizer.isSpecial(id)) throw new Error(`${tokenizer.source}: no special token ${segment.special}, which the GaMMA chat template needs (train one with \`gamma tokenizer train\`)`);
      if (segment.clip !== undefined) {
        out.audioSlots.push(out.ids.length);
        out.clips.push(segment.clip);
      }
      ids = [id];
    }
    for (const id of ids) {
      out.ids.push(id);
      out.targetMask.push(segment.target);
    }
  }
  return out;
}

/**
 * The conversation as text and special-token segments, each marked as training target or not. Adjacent text
 * of the same kind is one segment, encoded together as the rendered string would be.
 */
function chatSegments(messages: readonly ChatMessage[], options: ChatOptions): Segment[] {
  checkMessages(messages);
  const conversation = messages[0]?.role === "system" ? messages : [{ role: "system" as const, content: DEFAULT_SYSTEM_PROMPT }, ...messages];
  const segments: Segment[] = [];
  const addText = (text: string, target: boolean) => {
    const last = segments.at(-1);
    if (last && "text" in last && last.target === target) last.text += text;
    else segments.push({ text, target });
  };
  for (const message of conversation) {
    const target = message.role === "assistant";
    segments.push({ special: IM_START, target: false });
    addText(`${message.role}\n`, false);
    const parts = typeof message.content === "string" ? [{ type: "text" as const, text: message.content }] : message.content;
    parts.forEach((part, p) => {
      if (p > 0) addText("\n", target);
      if (part.type === "text") {
        addText(part.text, target);
      } else {
        segments.push({ special: AUDIO_START, target }, { special: AUDIO, target, clip: part.clip }, { special: AUDIO_END, target });
      }
    });
    segments.push({ special: IM_END, target });
    addText("\n", false);
  }
  if (options.addGenerationPrompt) {
    segments.push({ special: IM_START, target: false });
    addText("assistant\n", false);
  }
  return segments;
}

function checkMessages(messages: readonly ChatMessage[]): void {
  messages.forEach((message, i) => {
    if (message.role === "system" && i > 0) throw new Error(`chat: message ${i} is a system message; only the first message may be one`);
    if (message.role === "assistant" && typeof message.content !== "string" && message.content.some((part) => part.type === "audio")) {
      throw new Error(`chat: message ${i} is an assistant message with audio; the model reads audio but does not write it`);
    }
  });
}
