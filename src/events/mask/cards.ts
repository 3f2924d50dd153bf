/**
 * Payment card numbers (PANs) anywhere in stored text are masked: PCI DSS forbids keeping
 * them, and an analyst never needs one. A candidate is a run of 13–19 digits, written
 * either plainly or in groups joined by single spaces or dashes (`4111 1111 1111 1111`,
 * `4111-1111-1111-1111`), that passes the Luhn check (ISO/IEC 7812-1).
 *
 * The scan is linear: it splits text into runs of digit groups; at each group it tries the
 * windows of following groups holding 13–19 digits (at most 19 groups), and masks the
 * longest that passes Luhn. A group is never split, so a 25-digit number is not read as a
 * card. Cost of the choice: about one in ten 13–19-digit numbers that are not cards (order
 * numbers, millisecond timestamps) is masked too; keeping a real PAN would cost more.
 */

const isDigit = (c: number) => c >= 48 && c <= 57;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Group {
  readonly start: number;
  readonly end: number;
}

/** `text` with every card number replaced by `marker`. */
export function maskCards(text: string, marker: string): string {
  const n = text.length;
  let out = "";
  let copied = 0;
  let i = 0;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    // One run: digit groups joined by a single space or dash.
    const groups: Group[] = [];
    let j = i;
    for (;;) {
      const gs = j;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      groups.push({ start: gs, end: j });
      const sep = text.charCodeAt(j);
      if (j + 1 < n && (sep === 32 || sep === 45) && isDigit(text.charCodeAt(j + 1))) j++;
      else break;
    }
    let g = 0;
    while (g < groups.length) {
      let best = -1;
      let digits = "";
      for (let e = g; e < groups.length; e++) {
        const grp = groups[e]!;
        digits += text.slice(grp.start, grp.end);
        if (digits.length > 19) break;
        if (digits.length >= 13 && luhnValid(digits)) best = e;
      }
      if (best === -1) {
        g++;
        continue;
      }
      out += text.slice(copied, groups[g]!.start) + marker;
      copied = groups[best]!.end;
      g = best + 1;
    }
    i = j;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
