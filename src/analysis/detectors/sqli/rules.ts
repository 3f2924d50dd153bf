/**
 * Decisions on a Reading (grammar.ts): which structural sign of injection the token
 * stream carries, if any. Each rule names one technique and is guarded by the grammar:
 * the sign only counts where the stream is still SQL up to it (no hard fault, and in a
 * bare context no prose-like soft fault either), so that English containing SQL words
 * ("select a product from the list", "Union Station") does not fire.
 */

import { fragment } from "./fragment.js";
import type { Reading } from "./grammar.js";
import { anywhere } from "./rules-anywhere.js";
import { bare, statementAtStart } from "./rules-bare.js";
import { afterBreak } from "./rules-break.js";
import type { Verdict } from "./shapes.js";
import type { StartQuote } from "./tokenizer.js";

/**
 * `rawPairs`: the value is a whole query string or form body, where `&&` and `a=1` are
 * separators and pairs, not SQL; only signs that stand anywhere are read from it bare.
 */
export function judge(r: Reading, ctx: StartQuote, s: string, rawPairs = false): Verdict | null {
  if (r.sig.length === 0) return null;
  const a = anywhere(r, ctx, s);
  if (a !== null) return a;
  if (ctx !== 0) return afterBreak(r, ctx, s);
  if (rawPairs) return null;
  return bare(r) ?? statementAtStart(r) ?? fragment(r, s);
}
