import { ensureConsoleBuilt } from '../../functions/local/console-build.js';

/** Builds the console once for the whole run, so the servers the tests start never race to build it. */
export default async function setup(): Promise<void> {
  await ensureConsoleBuilt((line) => console.log(`[global-setup] ${line}`));
}
