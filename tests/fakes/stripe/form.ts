// Stripe's request encoding: application/x-www-form-urlencoded with bracketed keys
// (`line_items[0][price]=…`, `expand[]=…`, `metadata[plan]=…`), every value a string. Decoded into
// nested objects and arrays; the API handlers read them through the typed helpers below, which throw
// Stripe's own 400s (parameter_missing / parameter_invalid_*) on bad input.
import { StripeApiError } from "./errors";

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type Form = { [key: string]: FormValue };

/** Splits `a[b][0][]` into ["a", "b", "0", ""]; a key without brackets is itself. */
function keyPath(key: string): string[] {
  const first = key.indexOf("[");
  if (first <= 0) return [key];
  const parts = [key.slice(0, first)];
  const rest = key.slice(first);
  const re = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(rest)) && match.index === consumed) {
    parts.push(match[1]!);
    consumed += match[0].length;
  }
  if (consumed !== rest.length) return [key];
  return parts;
}

/** Decodes a form body (or a query string) into nested objects; numeric or empty keys make arrays. */
export function decodeForm(text: string): Form {
  const root: Form = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = keyPath(key);
    let node: Record<string, FormValue> | FormValue[] = root;
    for (let i = 0; i < path.length; i += 1) {
      const part = path[i]!;
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1]!);
      if (Array.isArray(node)) {
        const index = part === "" ? node.length : Number(part);
        if (last) node[index] = value;
        else {
          node[index] ??= nextIsIndex ? [] : {};
          node = node[index] as Record<string, FormValue> | FormValue[];
        }
      } else if (last) {
        node[part] = value;
      } else {
        const existing = node[part];
        if (existing === undefined || typeof existing === "string") node[part] = nextIsIndex ? [] : {};
        node = node[part] as Record<string, FormValue> | FormValue[];
      }
    }
  }
  return compactArrays(root) as Form;
}

/** Arrays built from sparse indices (`items[2]` alone) lose their holes, as Stripe's parser does. */
function compactArrays(value: FormValue): FormValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactArrays(v)]));
}

/** Reading parameters: each helper names the parameter in Stripe's error when the value is wrong. */
export class Params {
  constructor(
    readonly form: Form,
    private readonly prefix = "",
  ) {}

  private name(key: string) {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  has(key: string): boolean {
    return this.form[key] !== undefined;
  }

  string(key: string): string | undefined {
    const value = this.form[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw invalid(this.name(key), "a string");
    return value;
  }

  required(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === "") throw StripeApiError.missing(this.name(key));
    return value;
  }

  /** An empty string means "unset" in Stripe's encoding (null). */
  nullableString(key: string): string | null | undefined {
    const value = this.string(key);
    return value === "" ? null : value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value === "true") return true;
    if (value === "false") return false;
    throw new StripeApiError(400, {
      type: "invalid_request_error",
      code: "parameter_invalid_boolean",
      param: this.name(key),
      message: `Invalid boolean: ${value}`,
    });
  }

  integer(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined || value === "") return undefined;
    if (!/^-?\d+$/.test(value))
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        code: "parameter_invalid_integer",
        param: this.name(key),
        message: `Invalid integer: ${value}`,
      });
    return Number(value);
  }

  object(key: string): Params | undefined {
    const value = this.form[key];
    if (value === undefined) return undefined;
    if (typeof value === "string" && value === "") return new Params({}, this.name(key));
    if (typeof value !== "object" || Array.isArray(value)) throw invalid(this.name(key), "a hash");
    return new Params(value, this.name(key));
  }

  array(key: string): Params[] {
    const value = this.form[key];
    if (value === undefined || value === "") return [];
    if (!Array.isArray(value)) throw invalid(this.name(key), "an array");
    return value.map((item, i) => {
      if (typeof item !== "object" || Array.isArray(item)) throw invalid(`${this.name(key)}[${i}]`, "a hash");
      return new Params(item, `${this.name(key)}[${i}]`);
    });
  }

  strings(key: string): string[] {
    const value = this.form[key];
    if (value === undefined || value === "") return [];
    if (typeof value === "string") return [value];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw invalid(this.name(key), "an array");
    return value as string[];
  }

  /** `metadata[k]=v` (an empty string unsets k; `metadata=` clears all). */
  metadata(key = "metadata", current: Record<string, string> = {}): Record<string, string> | undefined {
    const value = this.form[key];
    if (value === undefined) return undefined;
    if (value === "") return {};
    if (typeof value !== "object" || Array.isArray(value)) throw invalid(this.name(key), "a hash");
    const next = { ...current };
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "string") throw invalid(`${this.name(key)}[${k}]`, "a string");
      if (v === "") delete next[k];
      else next[k] = v;
    }
    return next;
  }
}

function invalid(param: string, what: string) {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "parameter_invalid",
    param,
    message: `Invalid ${param}: must be ${what}`,
  });
}
