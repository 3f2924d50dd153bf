import type { AttackType } from "../../model/index.js";
import type { Detector } from "./types.js";

const registry = new Map<AttackType, Detector>();

/** Registers a detector under its type; a second registration for a type is a bug. */
export function registerDetector(d: Detector): void {
  if (registry.has(d.type)) throw new Error(`detector for ${d.type} registered twice`);
  registry.set(d.type, d);
}

export function getDetector(type: AttackType): Detector | undefined {
  return registry.get(type);
}

export function allDetectors(): Detector[] {
  return [...registry.values()];
}
