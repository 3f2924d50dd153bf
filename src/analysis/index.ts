export { BUILTIN_DETECTORS, type Detector, type DetectorMatch, type RequestView } from "./detectors/index.js";
export { type AnalysisResult, Engine, type EngineOptions, hitTypes } from "./engine.js";
export { extractPoints } from "./points/index.js";
