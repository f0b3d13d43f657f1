import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the TypeScript module at `moduleUrl`. tsx's loader hooks do not reach
 * worker threads on Node 20: the worker bootstraps in plain JS and loads the module through tsx's API.
 */
export function tsWorker(moduleUrl: string, workerData: unknown): Worker {
  const url = JSON.stringify(moduleUrl);
  return new Worker(`import('tsx/esm/api').then((m) => m.tsImport(${url}, ${url}))`, {
    eval: true,
    workerData,
  });
}
