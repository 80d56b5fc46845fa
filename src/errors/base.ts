import { ErrorCodes, type ErrorCode } from './codes';

/** Structured facts about an error: the model, fields, constraint, criteria and so on. */
export type ErrorDetails = Record<string, unknown>;

/** The JSON form of every regista error. */
export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

/**
 * Base class of every error regista throws. Carries a stable numeric `code`, a `details` object
 * and, when a driver error caused it, that error as `cause`.
 *
 * @example
 * try { await User.objects.require(42); }
 * catch (e) { if (e instanceof RegistaError) console.log(e.code, e.details); }
 */
export class RegistaError extends Error {
  static readonly code: ErrorCode = ErrorCodes.REGISTA;
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = (new.target as unknown as { code: ErrorCode }).code;
    this.details = details;
  }

  /** `{ name, code, message, details }`: safe to send over the wire (no stack, no driver error). */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, details: jsonSafe(this.details) as ErrorDetails };
  }
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  if (typeof value === 'function') return (value as { name?: string }).name ?? 'function';
  return value;
}

/** Formats a value for an error message: short, quoted strings, no huge dumps. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(jsonSafe(value));
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
