/**
 * The request mix of the mirror benchmark, as NGINX would mirror it: browser-like GETs
 * with the usual headers, form and JSON POSTs, and a share of attacks, each carrying
 * the header set of deploy/nginx (X-Real-IP, X-Forwarded-For, X-Server-Addr…).
 * Deterministic: the same mix on every run.
 */
import { rng } from "../rng.js";

const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
];

const PATHS = [
  "/",
  "/products?category=shoes&page=2&sort=price_asc",
  "/products/18342",
  "/api/v1/cart",
  "/search?q=running+shoes+men&color=blue",
  "/static/js/app.7f3a9c.js",
  "/account/orders?status=shipped",
  "/api/v1/recommendations?user=48211&limit=12",
  "/blog/2024/05/how-to-choose-trail-shoes",
  "/checkout/shipping",
];

const ATTACKS = [
  "/products?id=1%27%20UNION%20SELECT%20username%2Cpassword%20FROM%20users--",
  "/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
  "/download?file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
  "/api/v1/export?url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F",
  "/cgi-bin/test?cmd=%3Bcat%20%2Fetc%2Fpasswd",
];

function raw(method: string, target: string, headers: [string, string][], body = ""): string {
  const h = headers.map(([n, v]) => `${n}: ${v}\r\n`).join("");
  const len = body.length > 0 || method === "POST" ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : "";
  return `${method} ${target} HTTP/1.1\r\n${h}${len}\r\n${body}`;
}

/**
 * `count` raw HTTP/1.1 requests; `attackShare` of them (0–1) carry an attack.
 * Every request keeps the connection alive (HTTP/1.1 default).
 */
export function requestMix(count: number, attackShare: number, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `198.51.100.${1 + Math.floor(r() * 250)}`;
    const common: [string, string][] = [
      ["Host", "shop.example.com"],
      ["X-Real-IP", ip],
      ["X-Forwarded-For", ip],
      ["X-Forwarded-Proto", "https"],
      ["X-Server-Addr", "10.0.0.5"],
      ["X-Server-Port", "443"],
      ["X-Request-ID", (i * 2654435761).toString(16).padStart(32, "0").slice(-32)],
      ["User-Agent", UAS[Math.floor(r() * UAS.length)]!],
      ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
      ["Accept-Language", "en-US,en;q=0.9"],
      ["Accept-Encoding", "gzip, deflate, br"],
      [
        "Cookie",
        `session=${Math.floor(r() * 1e12).toString(36)}abcdef0123456789; theme=dark; _ga=GA1.2.${i}.1700000000`,
      ],
    ];
    if (r() < attackShare) {
      out.push(raw("GET", ATTACKS[Math.floor(r() * ATTACKS.length)]!, common));
      continue;
    }
    const kind = r();
    if (kind < 0.75) {
      out.push(raw("GET", PATHS[Math.floor(r() * PATHS.length)]!, common));
    } else if (kind < 0.9) {
      const body = `email=user${i}%40example.com&name=Jane+Doe&address=12+Main+Street&city=Springfield&zip=12345`;
      out.push(
        raw(
          "POST",
          "/checkout/address",
          [...common, ["Content-Type", "application/x-www-form-urlencoded"]],
          body,
        ),
      );
    } else {
      const body = JSON.stringify({
        items: [
          { sku: `SKU-${i % 977}`, qty: 1 + (i % 3), price: 59.99 },
          { sku: "SKU-10", qty: 1, price: 12.5 },
        ],
        coupon: i % 5 === 0 ? "SPRING24" : null,
        note: "Please leave the parcel at the door",
      });
      out.push(raw("POST", "/api/v1/cart", [...common, ["Content-Type", "application/json"]], body));
    }
  }
  return out;
}
