// Builds the SOQL the connector sends. Values go in only through these literal functions, which
// escape as Salesforce documents (backslash before ' " \ and the control characters), so no record
// id or timestamp read from an answer can change a query's meaning.

/** A SOQL string literal: 'text' with \\ \' \" \n \r \t \b \f escaped. */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (c) => {
    switch (c) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      case "\b":
        return "\\b";
      case "\f":
        return "\\f";
      default:
        return `\\${c}`;
    }
  });
  return `'${escaped}'`;
}

/** A SOQL datetime literal (unquoted, UTC): 2026-06-01T12:00:00.000Z. */
export function soqlDateTime(at: Date | string): string {
  const date = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new Error("Not a datetime");
  return date.toISOString();
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A field or object name we wrote ourselves; anything else is a bug, not input. */
export function soqlName(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a SOQL name: ${name}`);
  return name;
}

/** The keyset position after (ts, id): `SystemModstamp > ts OR (SystemModstamp = ts AND Id > id)`. */
export function afterPosition(position: { ts: string; id: string | null }): string {
  const ts = soqlDateTime(position.ts);
  if (position.id === null) return `SystemModstamp >= ${ts}`;
  return `(SystemModstamp > ${ts} OR (SystemModstamp = ${ts} AND Id > ${soqlString(position.id)}))`;
}

export function selectQuery(opts: {
  fields: readonly string[];
  object: string;
  where: string[];
  orderBy?: string;
  limit?: number | null;
}): string {
  const parts = [`SELECT ${opts.fields.map(soqlName).join(", ")} FROM ${soqlName(opts.object)}`];
  if (opts.where.length > 0) parts.push(`WHERE ${opts.where.join(" AND ")}`);
  if (opts.orderBy) parts.push(`ORDER BY ${opts.orderBy}`);
  if (opts.limit != null) parts.push(`LIMIT ${Math.trunc(opts.limit)}`);
  return parts.join(" ");
}
