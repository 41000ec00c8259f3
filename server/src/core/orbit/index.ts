// The orbit layer's public surface: the builder, the transforms and the maps variants carry.
export { buildOrbit, composeRenames, editDistance, DEFAULT_ORBIT_OPTIONS, type OrbitOptions, type OrbitResult, type OrbitVariant } from './orbit';
export { TRANSFORMS, transformById } from './transforms/index';
export { runTransform, type Transform, type TransformResult } from './transform';
export { applyEdits, composeLineMaps, type Edit } from './edits';
export { createRng, hashText, type Rng } from './rng';
