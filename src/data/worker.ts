// A dataset worker thread: builds the songs it is sent, one at a time, and reports back.
import { parentPort } from "node:worker_threads";
import { configureThreads } from "../engine/runtime.js";
import { buildSong, type BuildConfig, type SongSpec } from "./build-song.js";

configureThreads({ intraOp: 1, blas: 1 }); // one core per worker: the pool is the parallelism
const port = parentPort;
if (!port) throw new Error("worker.ts runs as a worker thread");
port.on("message", (msg: { spec: SongSpec; config: BuildConfig }) => {
  buildSong(msg.spec, msg.config).then(
    (r) => port.postMessage({ ok: true, id: msg.spec.id, seconds: r.seconds, rendered: r.rendered }),
    (err: Error) => port.postMessage({ ok: false, id: msg.spec.id, error: err.message }),
  );
});
