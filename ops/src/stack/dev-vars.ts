import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Parses dotenv-style `KEY=value` lines (what .dev.vars holds); comments and blanks skipped. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    vars[line.slice(0, eq).trim()] = value;
  }
  return vars;
}

/** Reads a .dev.vars file; an absent file is empty. */
export function readDevVars(path: string): Record<string, string> {
  return existsSync(path) ? parseDevVars(readFileSync(path, 'utf8')) : {};
}

/**
 * Creates `target` from its example the first time, with every `<random>` replaced by a
 * fresh secret, and never touches an existing file (it may hold a developer's real keys).
 * Returns whether it created the file.
 */
export function ensureDevVars(target: string, example: string): boolean {
  if (existsSync(target)) return false;
  const text = readFileSync(example, 'utf8').replaceAll('<random>', () => randomBytes(32).toString('base64url'));
  writeFileSync(target, text, { mode: 0o600 });
  return true;
}
