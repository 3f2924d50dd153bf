/**
 * Java code injection and deserialization: references to dangerous packages and classes
 * (what OGNL/SpEL/EL injections and gadget chains name), `Runtime.getRuntime().exec`,
 * reflection, OGNL static access `@class@member` and Struts `#_memberAccess`, SpEL `T(…)`,
 * Apache Commons Collections gadget names, and the Java serialization stream magic
 * `AC ED 00 05` (Java Object Serialization Specification §6.1) in hex or base64 at any of
 * the three base64 alignments.
 */
import type { DetectorMatch } from "../../types.js";

/** Packages whose classes have no business in a request value. */
const PACKAGES: readonly string[] = [
  "java.lang.",
  "java.io.",
  "java.net.",
  "java.nio.",
  "java.util.",
  "java.beans.",
  "java.rmi.",
  "java.security.",
  "javax.script.",
  "javax.naming.",
  "javax.management.",
  "javax.xml.",
  "javax.el.",
  "jdk.jshell.",
  "sun.misc.",
  "sun.reflect.",
  "com.sun.",
  "org.apache.commons.",
  "org.apache.xalan.",
  "org.apache.tomcat.",
  "org.apache.catalina.",
  "org.apache.struts2.",
  "org.springframework.",
  "com.opensymphony.",
  "ognl.",
  "org.omg.",
  "org.codehaus.groovy.",
  "groovy.lang.",
  "bsh.",
  "org.mozilla.javascript.",
  "freemarker.template.",
  "com.mchange.",
  "org.hibernate.",
  "clojure.",
  "org.jboss.",
  "weblogic.",
  "com.bea.",
  "com.alibaba.fastjson.",
  "com.fasterxml.jackson.",
  "org.yaml.snakeyaml.",
];

/** Commons-Collections / Groovy / JDK gadget classes used in deserialization chains. */
export const GADGETS_STRONG: readonly string[] = [
  "invokertransformer",
  "chainedtransformer",
  "instantiatetransformer",
  "clonetransformer",
  "constanttransformer",
  "templatesimpl",
  "annotationinvocationhandler",
  "prototypeclonefactory",
  "prototypeserializationfactory",
  "instantiatefactory",
  "badattributevalueexpexception",
  "transformedmap",
  "lazymap",
  "convertedclosure",
  "methodclosure",
  "jdbcrowsetimpl",
  "beancomparator",
  "xstream",
];
/** Gadget names that are also words (`forclosure` is a misspelling of foreclosure). */
export const GADGETS_WEAK: readonly string[] = [
  "forclosure",
  "whileclosure",
  "switchtransformer",
  "closuretransformer",
];

const CALLS: readonly string[] = [
  "runtime.getruntime(",
  "getruntime().exec",
  ".getruntime()",
  "processbuilder(",
  "new processbuilder",
  "class.forname(",
  ".forname(",
  "getdeclaredmethod(",
  "getdeclaredfield(",
  "getdeclaredconstructor(",
  ".getmethod(",
  ".newinstance(",
  "scriptenginemanager",
  "getenginebyname(",
  "#_memberaccess",
  "#context[",
  "#context.get(",
  "@ognlcontext@",
  "default_member_access",
  "#request[",
  "#parameters.",
  "#application[",
  ".getclassloader(",
  "urlclassloader",
  "defineclass(",
  "java.lang.runtime",
  "java.lang.processbuilder",
  "filesystemxmlapplicationcontext",
  "classpathxmlapplicationcontext",
];

/**
 * The dotted name from `i` is what error reports are made of, not a payload: an exception
 * or error class (`java.lang.NullPointerException`, `…OutOfMemoryError`), or a stack frame
 * (`org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)`,
 * `(Unknown Source)`, `(Native Method)`). Android crash reports and server error logs sent
 * to reporting APIs are full of both.
 */
function reportedName(lower: string, i: number): boolean {
  let j = i;
  const stop = Math.min(lower.length, i + 256);
  while (j < stop && (isIdc(lower.charCodeAt(j)) || lower.charCodeAt(j) === 46)) j++;
  const name = lower.slice(i, j);
  if (name.endsWith("exception") || name.endsWith("error")) return true;
  if (lower.charCodeAt(j) !== 40 /* ( */) return false;
  const close = lower.indexOf(")", j);
  return close !== -1 && close - j <= 96 && FRAME_SOURCE.test(lower.slice(j, close + 1));
}

/** Where a stack frame says its code is: `(File.java:42)`, `(File.kt:7)`, `(Unknown Source)`, `(Native Method)`. */
const FRAME_SOURCE =
  /^\((?:[\w$-]{1,80}\.(?:java|kt|scala|groovy|clj)(?::\d{1,7})?|unknown source|native method)\)$/;

function isIdc(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** `class.classLoader`, `class.module.classLoader`, `class['classLoader']` (lower-cased), after a non-name character. */
const CLASS_LOADER_PATH =
  /(?<![\w$])class\s{0,4}(?:\.\s{0,4}module\s{0,4})?(?:\.|\[\s{0,4}['"]?)\s{0,4}classloader\b/;

export function detectJava(s: string, lower: string, anchored: boolean): DetectorMatch | null {
  if (anchored)
    for (const p of PACKAGES) {
      const stem = p.slice(0, -1);
      // Each place the package is named (a few: a stack trace names the same ones often).
      for (
        let k = lower.indexOf(stem), seen = 0;
        k !== -1 && seen < 8;
        k = lower.indexOf(stem, k + 1), seen++
      ) {
        if (k > 0 && (isIdc(lower.charCodeAt(k - 1)) || lower.charCodeAt(k - 1) === 46)) continue;
        // A class or sub-package name must follow (`java.io.File`), or the package is named
        // alone (`org.apache.commons` as a whole parameter).
        const end = k + p.length - 1;
        const c = lower.charCodeAt(end + 1);
        if (lower.charCodeAt(end) === 46 && ((c >= 97 && c <= 122) || c === 95)) {
          if (reportedName(lower, end + 1)) continue;
          return { signature: "rce.java-class", start: k, end };
        }
        if (end === lower.length && k === 0 && p.split(".").length >= 4)
          return { signature: "rce.java-class", start: k, end };
      }
    }
  // `java.Runtime`, `java.evil.ProcessBuilder`: a java-rooted dotted name reaching a process API.
  const jk = anchored ? lower.indexOf("java.") : -1;
  if (jk !== -1) {
    const tail = lower.slice(jk, jk + 96);
    const r = tail.search(/runtime|processbuilder/);
    if (r !== -1 && /^[a-z0-9_.$]*$/.test(tail.slice(0, r)))
      return { signature: "rce.java-class", start: jk, end: jk + r };
  }
  if (anchored)
    for (const c of CALLS) {
      const k = lower.indexOf(c);
      if (k !== -1) return { signature: "rce.java-reflection", start: k, end: k + c.length };
    }
  // A data-binding path from a bean's `class` to its class loader: Spring4Shell
  // (CVE-2022-22965, `class.module.classLoader.resources.context.parent.pipeline…`) and the
  // Struts 2 / Spring 3 ones before it (`class.classLoader`, `class['classLoader']`,
  // CVE-2014-0094, CVE-2010-1622). No form or JSON field of an application is named so.
  if (anchored) {
    const cl = CLASS_LOADER_PATH.exec(lower);
    if (cl !== null)
      return { signature: "rce.java-classloader-binding", start: cl.index, end: cl.index + cl[0].length };
  }
  // OGNL static member access: @java.lang.Runtime@getRuntime(), @Class@member
  const og =
    s.indexOf("@") === -1 ? null : /@[a-z_$][\w$]{0,30}(?:\.[a-z_$][\w$]{0,40}){1,8}@[a-z_$]/i.exec(s);
  if (og) return { signature: "rce.ognl-static-access", start: og.index, end: og.index + og[0].length };
  // SpEL type reference T(fully.qualified.Name)
  const spel =
    s.indexOf("(") === -1
      ? null
      : /\bT\s*\(\s*[A-Za-z_$][\w$]{0,30}(?:\.[A-Za-z_$][\w$]{0,40}){2,8}\s*\)/.exec(s);
  if (spel)
    return { signature: "rce.spel-type-reference", start: spel.index, end: spel.index + spel[0].length };
  if (anchored)
    for (const g of GADGETS_STRONG) {
      const k = lower.indexOf(g);
      if (k !== -1) return { signature: "rce.java-gadget", start: k, end: k + g.length };
    }
  if (
    anchored &&
    (lower.indexOf("runtime") !== -1 ||
      lower.indexOf("processbuilder") !== -1 ||
      lower.indexOf("java") !== -1)
  ) {
    for (const g of GADGETS_WEAK) {
      const k = lower.indexOf(g);
      if (k !== -1) return { signature: "rce.java-gadget", start: k, end: k + g.length };
    }
  }
  const ser = anchored ? findSerialized(s, lower) : null;
  if (ser !== null) return ser;
  return groovyExecute(lower);
}

/**
 * Groovy runs a process with `String.execute()` and `List.execute()` (the GDK's
 * `ProcessGroovyMethods`): `"id".execute().text`, `["sh","-c","id"].execute()` — what
 * Jenkins script-console and Groovy-sandbox exploits send. A literal right before
 * `.execute(`; a variable (`stmt.execute()`, JDBC) or prose ("call execute()") is not.
 * At most 8 occurrences, each literal looked for within 256 characters.
 */
export function groovyExecute(lower: string): DetectorMatch | null {
  let k = lower.indexOf(".execute(");
  for (let count = 0; k !== -1 && count < 8; count++) {
    let j = k - 1;
    while (j >= 0 && (lower.charCodeAt(j) === 32 || lower.charCodeAt(j) === 9)) j--;
    const q = lower.charCodeAt(j);
    let open = -1;
    if (q === 34 || q === 39) {
      // A string literal: its opening quote, on the same line, with something inside.
      open = lower.lastIndexOf(lower[j]!, j - 1);
      if (open !== -1 && (j - open < 2 || j - open > 256 || lower.slice(open, j).indexOf("\n") !== -1))
        open = -1;
    } else if (q === 93) {
      // A list literal of strings (`["sh","-c","id"]`), not an index (`cmds[0]`, `map["k"]`).
      const b = lower.lastIndexOf("[", j);
      if (b !== -1 && j - b <= 256 && /^\[\s{0,4}["']/.test(lower.slice(b, b + 8))) {
        let p = b - 1;
        while (p >= 0 && (lower.charCodeAt(p) === 32 || lower.charCodeAt(p) === 9)) p--;
        const c = lower.charCodeAt(p);
        if (!(isIdc(c) || c === 41 || c === 93)) open = b;
      }
    }
    if (open !== -1) return { signature: "rce.groovy-execute", start: open, end: k + 9 };
    k = lower.indexOf(".execute(", k + 9);
  }
  return null;
}

/** `AC ED 00 05` in hex or in base64 at offsets 0, 1, 2 (`rO0AB`, `…ztAA[U-X]`, `…s7QAF`). */
export function findSerialized(s: string, lower: string): DetectorMatch | null {
  const hex = lower.indexOf("aced0005");
  if (hex !== -1) return { signature: "rce.java-serialized", start: hex, end: hex + 8 };
  let k = s.indexOf("rO0AB");
  if (k !== -1) return { signature: "rce.java-serialized", start: k, end: k + 5 };
  k = s.indexOf("s7QAF");
  if (k !== -1) return { signature: "rce.java-serialized", start: k, end: k + 5 };
  k = s.indexOf("ztAA");
  if (k !== -1) {
    const c = s.charCodeAt(k + 4);
    if (c >= 85 && c <= 88) return { signature: "rce.java-serialized", start: k, end: k + 5 };
  }
  return null;
}
