/**
 * The SQL vocabulary the tokenizer recognises, grouped by the grammatical role a word
 * plays (MySQL, PostgreSQL, SQL Server, Oracle and SQLite reference manuals). A word that
 * is not here is an identifier (a column, a table, a user's prose).
 */

/** Role of a word in the token stream. */
export enum WordClass {
  /** An identifier or a word we do not know. */
  Plain = 0,
  /** Binary logical/predicate operators: AND, OR, LIKE, IN… (`NOT` is unary, see Not). */
  Logic = 1,
  /** Unary NOT. */
  Not = 2,
  /** Set operators joining two SELECTs: UNION, INTERSECT, EXCEPT, MINUS. */
  SetOp = 3,
  /** Words that start a statement: SELECT, INSERT, DROP, EXEC… */
  Statement = 4,
  /** Clause words that continue a statement or an expression: FROM, WHERE, ORDER, BY… */
  Clause = 5,
  /** Literal constants: NULL, TRUE, FALSE, CURRENT_USER… */
  Literal = 6,
}

const LOGIC = [
  "and",
  "or",
  "xor",
  "div",
  "mod",
  "like",
  "ilike",
  "rlike",
  "regexp",
  "similar",
  "sounds",
  "is",
  "in",
  "between",
  "glob",
];

const SETOPS = ["union", "intersect", "except", "minus"];

/**
 * Statements that act on their own: reported as a whole value, after a stacking `;`,
 * or after SELECT/UNION. The one list rules, triggers and fragments share.
 */
export const CORE_STATEMENTS: readonly string[] = [
  "select",
  "insert",
  "update",
  "delete",
  "drop",
  "create",
  "alter",
  "truncate",
  "exec",
  "execute",
  "declare",
  "shutdown",
  "waitfor",
];

export const STATEMENTS = [
  ...CORE_STATEMENTS,
  "load",
  "handler",
  "call",
  "grant",
  "revoke",
  "rename",
  "merge",
  "dbcc",
  "kill",
  "prepare",
  "deallocate",
  "copy",
  "attach",
  "pragma",
  "set",
  "if",
  "begin",
];

const CLAUSES = [
  "from",
  "where",
  "limit",
  "offset",
  "order",
  "group",
  "by",
  "having",
  "as",
  "into",
  "outfile",
  "dumpfile",
  "values",
  "table",
  "procedure",
  "analyse",
  "case",
  "when",
  "then",
  "else",
  "end",
  "all",
  "distinct",
  "distinctrow",
  "top",
  "collate",
  "using",
  "asc",
  "desc",
  "join",
  "inner",
  "outer",
  "cross",
  "natural",
  "on",
  "with",
  "rollup",
  "for",
  "lock",
  "share",
  "mode",
  "delay",
  "fetch",
  "rows",
  "only",
  "exists",
  "any",
  "some",
  "binary",
  "unsigned",
  "signed",
  "escape",
  "straight_join",
  "sql_calc_found_rows",
  "over",
  "partition",
  "returning",
  "goto",
  "notnull",
  "time",
  "interval",
];

export const LITERALS = [
  "null",
  "true",
  "false",
  "unknown",
  "current_user",
  "session_user",
  "system_user",
  "current_date",
  "current_time",
  "current_timestamp",
  "localtime",
  "localtimestamp",
  "rownum",
];

const WORDS = new Map<string, WordClass>();
for (const w of LOGIC) WORDS.set(w, WordClass.Logic);
WORDS.set("not", WordClass.Not);
for (const w of SETOPS) WORDS.set(w, WordClass.SetOp);
for (const w of STATEMENTS) WORDS.set(w, WordClass.Statement);
for (const w of CLAUSES) WORDS.set(w, WordClass.Clause);
for (const w of LITERALS) WORDS.set(w, WordClass.Literal);

/** Class of a lower-case word. */
export function wordClass(lower: string): WordClass {
  return WORDS.get(lower) ?? WordClass.Plain;
}

/** What a call to a known function tells about intent. */
export enum FuncKind {
  /** Ordinary SQL function: evidence of SQL, not of an attack by itself. */
  Generic = 1,
  /** Delays execution: time-based blind injection. */
  Time = 2,
  /** Raises an error carrying data: error-based injection. */
  Error = 3,
  /** Reads the environment: version, user, database, files. */
  Recon = 4,
  /** Runs OS commands or dynamic SQL. */
  Exec = 5,
}

const FUNCS = new Map<string, FuncKind>();
function fn(kind: FuncKind, names: string): void {
  for (const n of names.split(" ")) if (n.length > 0 && !FUNCS.has(n)) FUNCS.set(n, kind);
}
fn(
  FuncKind.Time,
  "sleep benchmark pg_sleep randomblob dbms_lock.sleep receive_message pg_sleep_for sleep_until",
);
fn(
  FuncKind.Error,
  "extractvalue updatexml exp gtid_subset gtid_subtract json_keys name_const polygon multipoint " +
    "multilinestring multipolygon linestring geometrycollection xmltype drithsx st_latfromgeohash " +
    "st_longfromgeohash st_pointfromgeohash utl_inaddr get_host_name get_host_address ctxsys row",
);
fn(
  FuncKind.Recon,
  "version user database schema current_database current_schema db_name user_name suser_name " +
    "suser_sname host_name system_user session_user load_file pg_read_file pg_ls_dir sqlite_version " +
    "is_srvrolemember is_member connection_id last_insert_id found_rows row_count @@version " +
    "has_dbaccess getdatabase utl_http",
);
fn(
  FuncKind.Exec,
  "xp_cmdshell sp_executesql sp_oacreate sp_makewebtask openrowset opendatasource xp_regread xp_dirtree lo_import lo_export dblink",
);
fn(
  FuncKind.Generic,
  "char chr nchar concat concat_ws group_concat string_agg substring substr mid left right ascii ord " +
    "unicode hex unhex bin oct conv length len char_length count cast convert if iif ifnull isnull nullif " +
    "coalesce elt make_set field rand floor ceil ceiling round md5 sha1 sha2 lower upper lcase ucase lpad " +
    "rpad replace reverse instr locate position strcmp trim ltrim rtrim space repeat quote soundex " +
    "aes_encrypt aes_decrypt compress uncompress encode decode from_base64 to_base64 now sysdate curdate " +
    "getdate array_agg array_to_json generate_series to_char to_number pi cos sin tan abs sqrt power pow " +
    "sum avg min max json_extract json_object cast char_length mid substring_index export_set " +
    "collation charset coercibility benchmark least greatest extract row_to_json query_to_xml " +
    "xmlagg dbms_xmlgen utl_raw rawtohex regexp_substr regexp_like instrb stragg wm_concat listagg " +
    "typeof zeroblob randomblob printf sqlite_compileoption_get " +
    "waitfor object_id col_name object_name type_name",
);

/** Every known function name with its kind. */
export function knownFunctions(): ReadonlyMap<string, FuncKind> {
  return FUNCS;
}

/** Kind of a known function name (lower case), or 0. */
export function funcKind(lower: string): FuncKind | 0 {
  return FUNCS.get(lower) ?? 0;
}

/**
 * Catalogue objects an attacker enumerates: reading them is reconnaissance whatever the
 * dialect (MySQL information_schema/mysql.user, SQL Server sysobjects/master..,
 * PostgreSQL pg_catalog, Oracle all_tables/dual, SQLite sqlite_master, Access MSysObjects).
 */
const CATALOG = new Set([
  "information_schema",
  "sysobjects",
  "syscolumns",
  "sysusers",
  "sysdatabases",
  "sysprocesses",
  "sys",
  "pg_catalog",
  "pg_tables",
  "pg_user",
  "pg_shadow",
  "pg_database",
  "pg_namespace",
  "all_tables",
  "all_tab_columns",
  "all_users",
  "user_tables",
  "user_tab_columns",
  "dba_users",
  "dual",
  "sqlite_master",
  "sqlite_schema",
  "sqlite_temp_master",
  "msysobjects",
  "msysaccessobjects",
  "mysql",
  "master",
]);

export function catalogNames(): Iterable<string> {
  return CATALOG;
}

export function isCatalog(lower: string): boolean {
  return CATALOG.has(lower);
}
