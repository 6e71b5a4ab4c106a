// The GaMMA tokenizer: byte-level BPE in Hugging Face tokenizer.json format, its training, and the chat template.
export { Tokenizer, type EncodeOptions, type DecodeOptions } from "./tokenizer.js";
export { loadTokenizer, readTokenizerJson, writeTokenizerJson } from "./io.js";
export { trainBpe, minimumVocabSize, type TrainOptions, type TrainProgress } from "./train.js";
export { Corpus } from "./corpus.js";
export { encodeChat, renderChat, DEFAULT_SYSTEM_PROMPT, type ChatMessage, type ChatPart, type ChatRole, type ChatOptions, type EncodedChat } from "./chat.js";
export { END_OF_TEXT, PAD, IM_START, IM_END, AUDIO_START, AUDIO, AUDIO_END, GAMMA_SPECIAL_TOKENS } from "./special-tokens.js";
export { GPT2_PATTERN, QWEN2_PATTERN } from "./pre-tokenizer.js";
export { TokenizerFormatError, type TokenizerJson } from "./format.js";
