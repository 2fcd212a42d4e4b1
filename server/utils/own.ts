// Lookups in tables keyed by text that may come from a user (an imported account's tier, a tool name
// Claude sent). `table[key]` also finds what every object inherits: "constructor" and "toString" are
// functions, "__proto__" is Object.prototype — rendered, such a value breaks the page (a 500); called,
// it runs code that is not ours. Only the table's own keys count.
// No imports: pages use it in the browser too.

/** `table[key]` when `key` is one of the table's own keys, else undefined. */
export function ownValue<Value>(table: Readonly<Record<string, Value>>, key: string): Value | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
