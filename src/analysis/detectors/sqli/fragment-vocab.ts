/**
 * Vocabulary of the SQL-density tier (fragment.ts): words that only mean something
 * when a whole short value is made of SQL. Kept apart from keywords.ts because these
 * lists are about how often a word appears in ordinary traffic, not about its grammar.
 */
import { CORE_STATEMENTS, knownFunctions } from "./keywords.js";

/** Date and time part names: SQL functions, and everyday words too. */
const DATE_PARTS = ["date", "time", "year", "month", "day", "hour", "minute", "second", "week", "quarter"];

/**
 * Function names that are also ordinary words or common in program code (`date`, `time`,
 * `replace`, `left`, `log`, `round`…). A value that opens with one of these followed by
 * `(` counts as an SQL fragment only when the call is left open with nothing but SQL in
 * it (`date(`, `round (`, `if(2=`): a finished call (`log(x)`, `time (UTC)`,
 * `round(2.5)`) is what a maths or forum post holds. Every other known function
 * (`concat`, `group_concat`, `unhex`, `sysdate`…) is SQL whatever follows it.
 */
export const AMBIGUOUS_FUNCTIONS = new Set([
  ...DATE_PARTS,
  "left",
  "right",
  "replace",
  "insert",
  "format",
  "default",
  "log",
  "ln",
  "exp",
  "round",
  "floor",
  "ceil",
  "abs",
  "sin",
  "cos",
  "tan",
  "pi",
  "sqrt",
  "pow",
  "power",
  "rand",
  "now",
  "count",
  "max",
  "min",
  "sum",
  "avg",
  "length",
  "len",
  "position",
  "space",
  "repeat",
  "quote",
  "field",
  "trim",
  "lower",
  "upper",
  "reverse",
  "char",
  "values",
  "if",
  "convert",
  "cast",
  "encode",
  "decode",
  "compress",
  "hex",
  "bin",
  "oct",
  "mid",
  "user",
  "version",
  "database",
  "schema",
  "row",
  "point",
  "polygon",
  "extract",
  "printf",
  "typeof",
  "in",
  "password",
]);

/** Function-like names the tier reads besides keywords.ts's functions. */
const EXTRA_FUNCTIONS = [
  ...DATE_PARTS,
  "format",
  "default",
  "log",
  "ln",
  "insert",
  "values",
  "current_user",
  "find_in_set",
  "iif",
  "lo_get",
  "starts_with",
  "overlay",
  "jsonb_pretty",
  "div",
  // MySQL's PASSWORD() (before 8.0): hashes a string, as old payloads use it.
  "password",
  // `IN (` left open: a probe of whether a list can be spliced (reported only as the
  // whole value, by the raw probe; `in` is never a call in the grammar).
  "in",
];

const FUNCTIONS = new Set<string>([...knownFunctions().keys(), ...EXTRA_FUNCTIONS]);

/** A name the tier reads as an SQL function when it is called. */
export function isFragmentFunction(lower: string): boolean {
  return FUNCTIONS.has(lower);
}

/** All function names of the tier, for the prefilter's word hashes. */
export function fragmentFunctionNames(): Iterable<string> {
  return FUNCTIONS;
}

/**
 * Names of database objects, types and catalogue views that are reported when they are
 * the whole value (optionally quoted): SQL Server's system databases and OLE DB
 * provider, MySQL's information_schema columns, the password and HTTP packages attackers
 * reach for. `master`, `model`, `user` and `Northwind` are left out: they are a git
 * branch, an everyday word and a sample database's (and a company's) name. `varchar`
 * and `nvarchar` are only reported alone: a database admin tool sending a column type
 * would trip them, which is accepted (such tools are rare in front of a WAF-like sensor).
 */
export const FRAGMENT_CATALOG = new Set([
  "msdb",
  "tempdb",
  "msdasql",
  "sqloledb",
  "schema_name",
  "table_name",
  "column_name",
  "table_schema",
  "nvarchar",
  "varchar",
  "sp_password",
  "utl_http",
  "utl_file",
  "dbms_java",
  "information_schema",
  "pg_catalog",
  "pg_shadow",
  "sysobjects",
  "syscolumns",
  "sqlite_master",
  "xp_cmdshell",
]);

/**
 * Operators that exist in SQL and nowhere in prose. When one is the whole value it is a
 * probe of how the application splices operators (`<=>` is MySQL's NULL-safe equality,
 * `<>`, `!=` and `->`/`->>` JSON paths; `||`/`&&` are SQL concatenation or logic).
 * `>>`/`<<` are left out: pagination links send them as "next"/"previous".
 * `>=`/`<=` alone may be a filter form's comparison choice: accepted, since such forms
 * send names (`gte`) far more often than symbols.
 */
export const WHOLE_VALUE_OPS = new Set([
  "<=>",
  "<>",
  "!=",
  ">=",
  "<=",
  "==",
  "->",
  "->>",
  "||",
  "&&",
  "!<",
  "!>",
  "~*",
  "!~",
  "!~*",
  "@>",
  "<@",
]);

/** Comparison operators that no arithmetic or prose uses between two literals. */
export const SQL_ONLY_COMPARISONS = new Set(["<=>", "!=", "<>", "!<", "!>", "~*", "!~", "!~*"]);

/** Comparison words that, between literals, are SQL (`42 like 42`, `'1' not regexp '2'`). */
export const SQL_COMPARISON_WORDS = new Set([
  "like",
  "rlike",
  "regexp",
  "ilike",
  "glob",
  "sounds",
  "similar",
]);

/** Single words that are an SQL operator and nothing else. */
export const OPERATOR_WORDS = new Set(["xor", "rlike", "regexp", "notnull"]);

/** Statements that a `;` at the start of a value stacks (`;drop`, `; select`). */
export const STACKABLE = new Set([...CORE_STATEMENTS, "grant", "revoke", "rename"]);

/** Objects a DDL verb acts on: `CREATE TABLE x`, `DROP DATABASE y`. */
export const DDL_OBJECTS = new Set([
  "table",
  "database",
  "schema",
  "view",
  "procedure",
  "function",
  "index",
  "trigger",
  "user",
  "login",
  "column",
  "tablespace",
  "sequence",
]);

/**
 * Words that anchor a fragment rule without a `(`: the prefilter lets a short value
 * through when it holds one (prefilter.ts). Function names are anchors only with a `(`.
 */
export const FRAGMENT_ANCHORS = [
  ...OPERATOR_WORDS,
  "sounds",
  "order",
  "group",
  "having",
  "case",
  "when",
  "except",
  "intersect",
  "values",
  "from",
  "immediate",
  "set",
  "procedure",
  ...FRAGMENT_CATALOG,
];

/**
 * Numbers one past a 32- or 64-bit limit (the application's integer wraps), and the
 * double that hangs PHP's and Java's parsers (CVE-2010-4645, CVE-2010-4476). The limits
 * themselves (`2147483647`) are left out: programs use them as sentinels.
 */
export const MAGIC_NUMBERS = new Set([
  "2147483648",
  "4294967296",
  "9223372036854775808",
  "18446744073709551616",
  "2.2250738585072011e-308",
]);

/** The tier reads values up to this length: an SQL fragment sent as a probe is short. */
export const FRAGMENT_MAX = 160;
