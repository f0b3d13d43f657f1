import { api, call, type ResponseOf } from '../api/client';

export type ConsoleConfig = ResponseOf<'/console/config', 'get'>;

let loaded: Promise<ConsoleConfig> | undefined;

/** The province and its sign-in mode, read once per page load. */
export function consoleConfig(): Promise<ConsoleConfig> {
  loaded ??= call(api.GET('/console/config')).catch((err) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}
