/** Whether `DEBUG` asks for a regista channel (`regista:sql`, `regista:schema`, `regista:*`). */
export function debugEnabled(channel: string): boolean {
  const spec = process.env.DEBUG ?? '';
  return spec.split(/[\s,]+/).some((p) => p === `regista:${channel}` || p === 'regista:*' || p === '*');
}

/** Writes one debug line to stderr. */
export function debugLog(channel: string, message: string): void {
  process.stderr.write(`regista:${channel} ${message}\n`);
}
