import type { Registry } from "prom-client";
import type { Store } from "../../store/types.js";

/** What the route groups need from buildApp. */
export interface RouteContext {
  readonly store: Store;
  readonly registry: Registry;
  readonly version: string;
  readonly now: () => number;
  /** How long /readyz waits for the store to answer. */
  readonly readyTimeoutMs: number;
}

/** A store page as the API shows it: items mapped, `next` only when there is one. */
export function pageView<T, V>(
  page: { readonly items: readonly T[]; readonly next?: string },
  view: (t: T) => V,
): { items: V[]; next?: string } {
  const items = page.items.map(view);
  return page.next === undefined || page.next === "" ? { items } : { items, next: page.next };
}
