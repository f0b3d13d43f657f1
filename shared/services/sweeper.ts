import type { Deps } from './deps.js';

export interface SweepReport {
  examined: number;
  changed: number;
}

// Placeholder until the services land.
export async function runSweep(_deps: Deps): Promise<SweepReport> {
  return { examined: 0, changed: 0 };
}
