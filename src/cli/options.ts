// Parsers for numeric command-line options: each names the option and the value it refused.
export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got "${v}"`);
    return n;
  };
}

export function numberOption(name: string, min: number, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min}${max < Infinity ? ` to ${max}` : " up"}, got "${v}"`);
    return n;
  };
}
