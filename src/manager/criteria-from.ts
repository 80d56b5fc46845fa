import { parseFilter } from '../query/expression-parser';
import type { CriteriaInput } from './criteria';

/** Criteria from either form users hold them in: an object, or a text filter with parameters. */
export function criteriaFrom(input: unknown, params?: Record<string, unknown>): CriteriaInput | undefined {
  if (typeof input === 'string') return parseFilter(input, params) as CriteriaInput;
  return input as CriteriaInput | undefined;
}
