// One value per process, even when a module is loaded twice: the dev server loads app code through
// Vite's module graph beside the Express entry's own copy, and the production build bundles the
// Remix app and the Express entry separately. State that must be unique (the database, the embedded
// database's lock, rate-limit windows) lives here, keyed on a global symbol.
export function singleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`sales-as-code:${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  const existing = store[key];
  if (existing !== undefined) return existing;
  const value = create();
  store[key] = value;
  return value;
}
