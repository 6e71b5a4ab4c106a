// gamma-music's library entry point. The engine is also importable alone as "gamma-music/engine".
export * from "./engine/index.js";
