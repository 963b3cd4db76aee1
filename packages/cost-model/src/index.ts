/** @dnnperf/cost-model: how long, how much energy and how much memory. What is not exported here is private. */

// Hardware descriptions, validation and presets
export type {
  AcceleratorSpec,
  ClusterSpec,
  CpuSpec,
  EnergySpec,
  HardwareSpec,
  LinkSpec,
  MatrixUnitSpec,
  MemoryLevelSpec,
  OffChipMemorySpec,
  PeakTable,
  Topology,
  VectorUnitSpec,
} from './hardware/types.js'
export { validateAccelerator, validateCluster, validateCpu, validateHardware } from './hardware/validate.js'
export {
  getAcceleratorPreset,
  getPreset,
  listPresets,
  presetSummaries,
  PRESET_ALIASES,
} from './hardware/presets.js'
export type { PresetSummary } from './hardware/presets.js'
export { phazeAccelerator, phazeCoreSramBytes } from './hardware/phaze-design.js'
export type { PhazeAcceleratorOptions, PhazeDesign } from './hardware/phaze-design.js'

// Area and energy of PHAZE-style designs
export { phazeArea } from './area/phaze-area.js'
export type { PhazeAreaResult } from './area/phaze-area.js'

// Operator latency
export type {
  Bound,
  Combine,
  CostOptions,
  EfficiencyFactors,
  Engine,
  GemmCost,
  LevelTraffic,
  OpCost,
} from './ops/types.js'
export { DEFAULT_CTA_TILES, gemmCost, gemmTrainingCost } from './ops/gemm.js'
export type { CtaTile, GemmOptions, GemmShape, GemmTrainingCost } from './ops/gemm.js'
export { rooflineCost } from './ops/roofline.js'
export type { RooflineWork } from './ops/roofline.js'
export { PHAZE_VECTOR_CYCLES, vectorOpCost } from './ops/vector.js'
export type { VectorCycles, VectorOp, VectorOpOptions } from './ops/vector.js'
export { attentionCost } from './ops/attention.js'
export type { AttentionCost, AttentionShape } from './ops/attention.js'
export { embeddingCost } from './ops/embedding.js'
export type { EmbeddingShape } from './ops/embedding.js'
export { cpuOpCost } from './ops/cpu.js'
export type { CpuWork } from './ops/cpu.js'

// Collectives
export { collectiveCost } from './collectives/collective.js'
export type {
  CollectiveAlgorithm,
  CollectiveCall,
  CollectiveCost,
  CollectiveKind,
} from './collectives/collective.js'

// Memory
export { REGIME_BYTES_PER_PARAM, modelStateBytes, transformerParams } from './memory/model-states.js'
export type {
  BytesPerParam,
  ModelStateBytes,
  ModelStateOptions,
  OptimizerRegime,
  TransformerDims,
} from './memory/model-states.js'
export { transformerLayerActivationBytes, transformerStageActivationBytes } from './memory/activations.js'
export type {
  Recompute,
  TransformerActivationShape,
  TransformerStageActivationShape,
} from './memory/activations.js'
export { deviceMemory } from './memory/device-memory.js'
export type { DeviceMemory, DeviceMemoryInput } from './memory/device-memory.js'

// Operator graphs
export { costOpGraph } from './graph/cost-op-graph.js'
export type { CostOpGraphOptions } from './graph/cost-op-graph.js'
export { CostFunctionRegistry } from './graph/cost-functions.js'
export type { CostFunction, CostFunctionContext, CustomOpCost } from './graph/cost-functions.js'
export type {
  CostSource,
  CostTotals,
  GraphMemory,
  LayerCost,
  OpGraphCost,
  OpGraphOpCost,
} from './graph/types.js'

// Calibration and profiles
export { buildProfileTable, lookupProfile, opSignature } from './calibration/profile-table.js'
export type { OpSignatureInput, ProfileTable } from './calibration/profile-table.js'
export { fitEfficiency } from './calibration/fit-efficiency.js'
export type { CalibrationResult, CalibrationSample } from './calibration/fit-efficiency.js'

// Errors
export { MissingHardwareFieldError, UnsupportedDtypeError } from './errors.js'
