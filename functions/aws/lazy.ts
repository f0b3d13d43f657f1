/**
 * A port whose adapter (and AWS client) is loaded by its first call, not at cold start: the Lambda
 * bundle puts what `load` imports dynamically in its own chunk (infra/lambda-bundle.ts splits), so a
 * function that never calls S3, KMS, Step Functions or EventBridge never parses their SDK clients.
 *
 * Every method of the port must return a promise (the ports here do); `known` answers the
 * properties that are needed synchronously (e.g. the signer's key id) without loading anything.
 */
export function lazyPort<T extends object>(load: () => Promise<T>, known: Partial<T> = {}): T {
  let loading: Promise<T> | undefined;
  const loaded = () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined; // a failed load (e.g. a throttled cold start) is retried by the next call
      throw err;
    });
    return loading;
  };
  return new Proxy(known as T, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof T];
      // not a thenable: `await port` must not try to call a method named `then`
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return async (...args: unknown[]) => {
        const impl = await loaded();
        const method = impl[prop as keyof T];
        if (typeof method !== 'function') throw new TypeError(`${String(prop)} is not a method of the port`);
        return (method as (...a: unknown[]) => unknown).apply(impl, args);
      };
    },
  });
}
