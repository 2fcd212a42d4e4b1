// A parser and evaluator for the subset of SOQL the connector sends: a tokenizer and a recursive
// descent grammar, not pattern matching. Supported:
//   SELECT field, … FROM Object [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n]
//   condition: AND / OR / NOT, parentheses, = != <> < <= > >= IN (…) NOT IN (…) LIKE
//   literals: 'strings' (with \' \\ \n \r \t \" \b \f \_ \% escapes), numbers, true/false, null,
//   datetimes (2026-01-01T00:00:00Z, …T00:00:00.000+0000, …+02:00) and dates (2026-01-01).
// Keywords and field names are case-insensitive, as in Salesforce. An unknown object or field is
// refused with Salesforce's INVALID_TYPE / INVALID_FIELD; bad syntax with MALFORMED_QUERY.
import type { FakeOrg, FieldType, FieldValue, ObjectTable, SObjectRecord } from "./org";

export class SoqlError extends Error {
  constructor(
    readonly errorCode: "MALFORMED_QUERY" | "INVALID_FIELD" | "INVALID_TYPE",
    message: string,
  ) {
    super(message);
  }
}

type Token =
  | { type: "ident"; value: string; at: number }
  | { type: "string"; value: string; at: number }
  | { type: "number"; value: number; at: number }
  | { type: "datetime"; value: number; at: number }
  | { type: "date"; value: string; at: number }
  | { type: "op"; value: string; at: number }
  | { type: "punct"; value: "(" | ")" | ","; at: number }
  | { type: "end"; at: number };

const ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  "\\": "\\",
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  _: "\\_",
  "%": "\\%",
};

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const rest = text.slice(i, i + 40);
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      const zone = datetime[8]!;
      const iso = `${datetime[0].slice(0, datetime[0].length - zone.length)}${zone === "Z" ? "Z" : zone.replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2")}`;
      const value = Date.parse(iso);
      if (Number.isNaN(value)) throw new SoqlError("MALFORMED_QUERY", `invalid date time: ${datetime[0]}`);
      tokens.push({ type: "datetime", value, at: i });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ type: "date", value: date[0], at: i });
      i += date[0].length;
      continue;
    }
    if (c === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new SoqlError("MALFORMED_QUERY", "unterminated string literal");
        const d = text[j]!;
        if (d === "\\") {
          const escaped = ESCAPES[text[j + 1] ?? ""];
          if (escaped === undefined) throw new SoqlError("MALFORMED_QUERY", `invalid escape sequence \\${text[j + 1]}`);
          value += escaped;
          j += 2;
        } else if (d === "'") {
          j += 1;
          break;
        } else {
          value += d;
          j += 1;
        }
      }
      tokens.push({ type: "string", value, at: i });
      i = j;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ type: "number", value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (ident) {
      tokens.push({ type: "ident", value: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ type: "op", value: op[0] === "<>" ? "!=" : op[0], at: i });
      i += op[0].length;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ type: "punct", value: c, at: i });
      i += 1;
      continue;
    }
    throw new SoqlError("MALFORMED_QUERY", `unexpected character '${c}' at ${i}`);
  }
  tokens.push({ type: "end", at: text.length });
  return tokens;
}

export type Literal =
  | { type: "string"; value: string }
  | { type: "number"; value: number }
  | { type: "boolean"; value: boolean }
  | { type: "null" }
  | { type: "datetime"; value: number }
  | { type: "date"; value: string };

export type Condition =
  | { kind: "and" | "or"; items: Condition[] }
  | { kind: "not"; item: Condition }
  | { kind: "compare"; field: string; op: "=" | "!=" | "<" | "<=" | ">" | ">="; value: Literal }
  | { kind: "in"; field: string; negated: boolean; values: Literal[] }
  | { kind: "like"; field: string; pattern: string };

export type SoqlQuery = {
  fields: string[];
  object: string;
  where: Condition | null;
  orderBy: { field: string; descending: boolean; nullsLast: boolean }[];
  limit: number | null;
};

const KEYWORDS = new Set([
  "select",
  "from",
  "where",
  "order",
  "by",
  "limit",
  "and",
  "or",
  "not",
  "in",
  "like",
  "asc",
  "desc",
  "nulls",
  "first",
  "last",
]);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }
  private next(): Token {
    return this.tokens[this.at++]!;
  }
  private isKeyword(word: string, token = this.peek()): boolean {
    return token.type === "ident" && token.value.toLowerCase() === word;
  }
  private expectKeyword(word: string): void {
    const token = this.next();
    if (!this.isKeyword(word, token)) throw this.unexpected(token, word.toUpperCase());
  }
  private unexpected(token: Token, wanted: string): SoqlError {
    const seen = token.type === "end" ? "end of query" : `'${"value" in token ? String(token.value) : ""}'`;
    return new SoqlError("MALFORMED_QUERY", `unexpected token: ${seen} at ${token.at}, expected ${wanted}`);
  }
  private field(): string {
    const token = this.next();
    if (token.type !== "ident" || KEYWORDS.has(token.value.toLowerCase())) throw this.unexpected(token, "a field");
    return token.value;
  }

  query(): SoqlQuery {
    this.expectKeyword("select");
    const fields = [this.field()];
    while (this.peek().type === "punct" && (this.peek() as { value: string }).value === ",") {
      this.next();
      fields.push(this.field());
    }
    this.expectKeyword("from");
    const object = this.field();
    let where: Condition | null = null;
    if (this.isKeyword("where")) {
      this.next();
      where = this.or();
    }
    const orderBy: SoqlQuery["orderBy"] = [];
    if (this.isKeyword("order")) {
      this.next();
      this.expectKeyword("by");
      do {
        if (orderBy.length > 0) this.next();
        const field = this.field();
        let descending = false;
        if (this.isKeyword("asc")) this.next();
        else if (this.isKeyword("desc")) {
          this.next();
          descending = true;
        }
        let nullsLast = descending;
        if (this.isKeyword("nulls")) {
          this.next();
          const which = this.next();
          if (this.isKeyword("first", which)) nullsLast = false;
          else if (this.isKeyword("last", which)) nullsLast = true;
          else throw this.unexpected(which, "FIRST or LAST");
        }
        orderBy.push({ field, descending, nullsLast });
      } while (this.peek().type === "punct" && (this.peek() as { value: string }).value === ",");
    }
    let limit: number | null = null;
    if (this.isKeyword("limit")) {
      this.next();
      const token = this.next();
      if (token.type !== "number" || !Number.isInteger(token.value) || token.value < 0)
        throw this.unexpected(token, "a whole number");
      limit = token.value;
    }
    const end = this.peek();
    if (end.type !== "end") throw this.unexpected(end, "end of query");
    return { fields, object, where, orderBy, limit };
  }

  private or(): Condition {
    const items = [this.and()];
    while (this.isKeyword("or")) {
      this.next();
      items.push(this.and());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  }

  private and(): Condition {
    const items = [this.unary()];
    while (this.isKeyword("and")) {
      this.next();
      items.push(this.unary());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  }

  private unary(): Condition {
    if (this.isKeyword("not")) {
      this.next();
      return { kind: "not", item: this.unary() };
    }
    const token = this.peek();
    if (token.type === "punct" && token.value === "(") {
      this.next();
      const inner = this.or();
      const close = this.next();
      if (close.type !== "punct" || close.value !== ")") throw this.unexpected(close, "')'");
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const field = this.field();
    const token = this.next();
    if (token.type === "op") return { kind: "compare", field, op: token.value as "=", value: this.literal() };
    let negated = false;
    let word: Token = token;
    if (this.isKeyword("not", token)) {
      negated = true;
      word = this.next();
    }
    if (this.isKeyword("in", word)) {
      const open = this.next();
      if (open.type !== "punct" || open.value !== "(") throw this.unexpected(open, "'('");
      const values = [this.literal()];
      for (;;) {
        const sep = this.next();
        if (sep.type === "punct" && sep.value === ")") break;
        if (sep.type !== "punct" || sep.value !== ",") throw this.unexpected(sep, "',' or ')'");
        values.push(this.literal());
      }
      return { kind: "in", field, negated, values };
    }
    if (!negated && this.isKeyword("like", word)) {
      const pattern = this.next();
      if (pattern.type !== "string") throw this.unexpected(pattern, "a string");
      return { kind: "like", field, pattern: pattern.value };
    }
    throw this.unexpected(word, "an operator");
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.type) {
      case "string":
        return { type: "string", value: token.value };
      case "number":
        return { type: "number", value: token.value };
      case "datetime":
        return { type: "datetime", value: token.value };
      case "date":
        return { type: "date", value: token.value };
      case "ident": {
        const word = token.value.toLowerCase();
        if (word === "true" || word === "false") return { type: "boolean", value: word === "true" };
        if (word === "null") return { type: "null" };
        break;
      }
    }
    throw this.unexpected(token, "a value");
  }
}

export function parseSoql(text: string): SoqlQuery {
  return new Parser(tokenize(text)).query();
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type Bound = { field: string; type: FieldType };

/** Resolves a field name (case-insensitive) against an object's schema. */
function resolver(table: ObjectTable) {
  const byLower = new Map(
    Object.entries(table.schema.fields).map(([name, type]) => [name.toLowerCase(), { field: name, type }]),
  );
  return (name: string): Bound => {
    const found = byLower.get(name.toLowerCase());
    if (!found) {
      throw new SoqlError(
        "INVALID_FIELD",
        `No such column '${name}' on entity '${table.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
      );
    }
    return found;
  };
}

type Compiled = (record: SObjectRecord) => boolean;

/** Compares a record's value with a literal; null when the types do not fit (Salesforce refuses those). */
function literalValue(bound: Bound, literal: Literal): FieldValue {
  const { type } = bound;
  const mismatch = () =>
    new SoqlError(
      "INVALID_FIELD",
      `value of filter criterion for field '${bound.field}' must be of type ${type} and should not be enclosed in quotes`,
    );
  if (literal.type === "null") return null;
  switch (type) {
    case "datetime":
      if (literal.type !== "datetime") throw mismatch();
      return literal.value;
    case "date":
      if (literal.type !== "date") throw mismatch();
      return literal.value;
    case "boolean":
      if (literal.type !== "boolean") throw mismatch();
      return literal.value;
    case "int":
    case "double":
    case "currency":
    case "percent":
      if (literal.type !== "number") throw mismatch();
      return literal.value;
    default:
      if (literal.type !== "string") throw mismatch();
      return literal.value;
  }
}

/** Text compares case-insensitively in SOQL; ids compare as they are. */
function normalise(type: FieldType, value: FieldValue): FieldValue {
  if (typeof value === "string" && type !== "id" && type !== "reference" && type !== "date") return value.toLowerCase();
  return value;
}

function compile(condition: Condition, resolve: (name: string) => Bound): Compiled {
  switch (condition.kind) {
    case "and": {
      const items = condition.items.map((c) => compile(c, resolve));
      return (r) => items.every((item) => item(r));
    }
    case "or": {
      const items = condition.items.map((c) => compile(c, resolve));
      return (r) => items.some((item) => item(r));
    }
    case "not": {
      const item = compile(condition.item, resolve);
      return (r) => !item(r);
    }
    case "compare": {
      const bound = resolve(condition.field);
      const value = normalise(bound.type, literalValue(bound, condition.value));
      const op = condition.op;
      return (r) => {
        const actual = normalise(bound.type, r[bound.field] ?? null);
        if (op === "=") return actual === value;
        if (op === "!=") return actual !== value;
        if (actual === null || value === null) return false;
        if (op === "<") return actual < value;
        if (op === "<=") return actual <= value;
        if (op === ">") return actual > value;
        return actual >= value;
      };
    }
    case "in": {
      const bound = resolve(condition.field);
      const values = new Set(condition.values.map((v) => normalise(bound.type, literalValue(bound, v))));
      return (r) => values.has(normalise(bound.type, r[bound.field] ?? null)) !== condition.negated;
    }
    case "like": {
      const bound = resolve(condition.field);
      let source = "";
      const pattern = condition.pattern;
      for (let i = 0; i < pattern.length; i += 1) {
        const c = pattern[i]!;
        if (c === "\\" && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        else if (c === "%") source += ".*";
        else if (c === "_") source += ".";
        else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }
      const regex = new RegExp(`^${source}$`, "is");
      return (r) => {
        const value = r[bound.field];
        return typeof value === "string" && regex.test(value);
      };
    }
  }
}

/**
 * The least SystemModstamp a matching record can have, read off the condition (a conjunct
 * `SystemModstamp > t`, `>= t` or `= t`; for OR, the least of its branches): the evaluator starts
 * there in the table sorted by (SystemModstamp, Id). Null: no bound, scan from the start.
 */
function modstampLowerBound(condition: Condition | null): number | null {
  if (!condition) return null;
  switch (condition.kind) {
    case "compare":
      if (
        condition.field.toLowerCase() === "systemmodstamp" &&
        condition.value.type === "datetime" &&
        (condition.op === ">" || condition.op === ">=" || condition.op === "=")
      )
        return condition.value.value;
      return null;
    case "and": {
      let best: number | null = null;
      for (const item of condition.items) {
        const bound = modstampLowerBound(item);
        if (bound !== null && (best === null || bound > best)) best = bound;
      }
      return best;
    }
    case "or": {
      let least: number | null = null;
      for (const item of condition.items) {
        const bound = modstampLowerBound(item);
        if (bound === null) return null;
        if (least === null || bound < least) least = bound;
      }
      return least;
    }
    default:
      return null;
  }
}

export type QueryResult = { object: string; fields: Bound[]; records: SObjectRecord[] };

/** Runs a parsed query: `includeDeleted` is queryAll (records in the recycle bin too). */
export function runSoql(org: FakeOrg, query: SoqlQuery, includeDeleted: boolean): QueryResult {
  const objectName = [...org.tables.keys()].find((name) => name.toLowerCase() === query.object.toLowerCase());
  if (!objectName)
    throw new SoqlError(
      "INVALID_TYPE",
      `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
    );
  const table = org.table(objectName);
  const resolve = resolver(table);
  const fields = query.fields.map(resolve);
  const where = query.where ? compile(query.where, resolve) : null;
  const orderBy = query.orderBy.map((o) => ({ ...o, bound: resolve(o.field) }));

  // Already in (SystemModstamp, Id) order: no sort needed when that is the order asked for.
  const inTableOrder =
    orderBy.length === 0 ||
    (orderBy[0]!.bound.field === "SystemModstamp" &&
      !orderBy[0]!.descending &&
      (orderBy.length === 1 || (orderBy.length === 2 && orderBy[1]!.bound.field === "Id" && !orderBy[1]!.descending)));
  const bound = modstampLowerBound(query.where);
  const start = bound === null ? 0 : table.lowerBound(bound);
  const records: SObjectRecord[] = [];
  for (let i = start; i < table.sorted.length; i += 1) {
    const record = table.sorted[i]!;
    if (record.IsDeleted && !includeDeleted) continue;
    if (where && !where(record)) continue;
    records.push(record);
    if (inTableOrder && query.limit !== null && records.length >= query.limit) break;
  }
  if (!inTableOrder) {
    records.sort((a, b) => {
      for (const { bound: key, descending, nullsLast } of orderBy) {
        const x = normalise(key.type, a[key.field] ?? null);
        const y = normalise(key.type, b[key.field] ?? null);
        if (x === y) continue;
        if (x === null) return nullsLast ? 1 : -1;
        if (y === null) return nullsLast ? -1 : 1;
        const order = x < y ? -1 : 1;
        return descending ? -order : order;
      }
      return 0;
    });
  }
  return { object: objectName, fields, records: query.limit === null ? records : records.slice(0, query.limit) };
}
