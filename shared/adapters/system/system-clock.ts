import { randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from '../../ports/runtime.js';

export const systemClock: Clock = { now: () => new Date() };

/** A clock shifted by a fixed offset: demo data and tests that need cases from the past. */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs) };
}

/** Ids that sort by creation time and read well in a URL: `C-mh3k2a9x-5f0c1b`. */
export const timeSortableIds: IdGenerator = {
  next(prefix: string) {
    return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  },
};
