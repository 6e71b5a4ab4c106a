// Errors about a user's audio file: one line naming the file and the problem, meant to be shown as it is.
export class AudioError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = "AudioError";
  }
}
