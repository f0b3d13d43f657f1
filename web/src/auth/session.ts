import { reactive } from 'vue';
import type { ResponseOf } from '../api/client';

/**
 * The signed-in person. The token lives in sessionStorage only (closed with the tab), never in a URL
 * or a log; the actor comes from GET /me, so what the console shows is what the API decided.
 */

const KEY = 'green-channel.session';

export type Actor = ResponseOf<'/me', 'get'>;

interface Stored {
  token: string;
  actor: Actor;
}

function load(): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : undefined;
  } catch {
    return undefined;
  }
}

export const session = reactive<{ current: Stored | undefined }>({ current: load() });

export function token(): string | undefined {
  return session.current?.token;
}

export function actor(): Actor | undefined {
  return session.current?.actor;
}

export function signIn(token: string, actor: Actor): void {
  session.current = { token, actor };
  sessionStorage.setItem(KEY, JSON.stringify(session.current));
}

export function signOut(): void {
  session.current = undefined;
  sessionStorage.removeItem(KEY);
}
