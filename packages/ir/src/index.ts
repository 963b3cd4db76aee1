/** @dnnperf/ir: the shared intermediate representation. What is not exported here is private. */
export {
  DnnperfError,
  isDnnperfError,
  GraphCycleError,
  DanglingEdgeError,
  DuplicateNodeError,
  UnknownOpKindError,
  InvalidValueError,
  ShapeMismatchError,
  FormatError,
  SchemaVersionError,
  LimitExceededError,
  NotFoundError,
} from './errors.js'

// dtypes and tensors
export { DTYPES, dtypeBytes, isDType } from './dtype.js'
export type { DType } from './dtype.js'
export { tensorElements, tensorBytes, sameTensorSpec, formatTensorSpec } from './tensor.js'
export type { TensorSpec } from './tensor.js'

// operator graphs
export type {
  OpGraph,
  OpNode,
  OpEdge,
  ControlEdge,
  ParamSpec,
  Phase,
  EngineClass,
  GradRole,
  JsonValue,
} from './op-graph/types.js'
export { OpKindRegistry, opFlop, opBytes, opEngine, opGemm, defaultOpBytes } from './op-graph/registry.js'
export type { OpKindDef, OpSignature, BackwardOpSpec, GemmShape } from './op-graph/registry.js'
export {
  BUILTIN_OP_KINDS,
  builtinOpKinds,
  createOpKindRegistry,
  elementwiseFlop,
} from './op-graph/builtin-kinds.js'
export { GraphBuilder } from './op-graph/builder.js'
export type { TensorRef, OpOptions } from './op-graph/builder.js'
export { validateOpGraph } from './op-graph/validate.js'
export type { RegistryOptions } from './op-graph/validate.js'
export { compileOpGraph, ENGINE_CLASSES, PHASES } from './op-graph/compile.js'
export type { CompiledOpGraph } from './op-graph/compile.js'
export { summarizeModel } from './op-graph/summary.js'
export type { ModelSummary } from './op-graph/summary.js'
export { deriveTrainingGraph } from './op-graph/training.js'
export type { TrainingGraphOptions } from './op-graph/training.js'
export { contractLayers, defaultLayerLabel } from './op-graph/contract.js'
export type { LayerGraph, LayerNode, LayerEdge, ContractOptions } from './op-graph/contract.js'
export {
  serializeOpGraph,
  parseOpGraph,
  opGraphToDocument,
  OP_GRAPH_SCHEMA_VERSION,
} from './op-graph/json.js'
export type { OpGraphDocument } from './op-graph/json.js'
export { opGraphJsonSchema } from './op-graph/schema.js'
export { toGraphlib, fromGraphlib } from './op-graph/graphlib.js'
export type { OpGraphlib, GraphlibGraphLabel, GraphlibEdgeLabel } from './op-graph/graphlib.js'

// graph algorithms on the compiled, integer-indexed form
export { compileDag, topologicalSort } from './graph/compiled-dag.js'
export type { CompiledDag, EdgeRef } from './graph/compiled-dag.js'

// execution task graph (executors, tasks, dependencies) and the discrete-event engine that simulates it
export {
  TaskGraphBuilder,
  compileTaskGraph,
  compileTaskGraphColumns,
  dependencyKindOf,
} from './task-graph/builder.js'
export { simulateTaskGraph } from './task-graph/simulate.js'
export { criticalPath } from './task-graph/critical-path.js'
export { removeTasks } from './task-graph/remove-tasks.js'
export { DEPENDENCY_KINDS, BINDING_REASONS } from './task-graph/types.js'
export type {
  ExecutorKind,
  DependencyKind,
  ExecutorSpec,
  TaskSpec,
  DependencySpec,
  TaskGraphSpec,
  TaskGraphColumns,
  CompiledTaskGraph,
  BindingReason,
  TaskGraphSimulation,
  SimulateTaskGraphOptions,
  CriticalPathStep,
  CriticalPath,
} from './task-graph/types.js'

// graph algorithms: downset/ideal enumeration
export { enumerateIdeals, idealIndexOf, idealHas, idealMembers } from './graph/ideals.js'
export type { IdealSet, EnumerateIdealsOptions } from './graph/ideals.js'

// placement problem: DAG with per-device-kind costs, co-location, fw/bw roles; public instance formats
export {
  validatePlacementProblem,
  forwardBackwardPairs,
  EDGE_COST_TOLERANCE,
} from './placement-problem/validate.js'
export { InconsistentEdgeCostError } from './placement-problem/errors.js'
export { serialisePlacementProblem, parsePlacementProblem } from './placement-problem/json.js'
export { importDnnPartitioning, exportDnnPartitioning } from './placement-problem/dnn-partitioning.js'
export { importPiper, exportPiper } from './placement-problem/piper.js'
export { importPhaze, exportPhaze } from './placement-problem/phaze.js'
export { importPhazeLayerGraphDot } from './placement-problem/phaze-dot.js'
export type { PhazeDotOptions } from './placement-problem/phaze-dot.js'
export type {
  JsonObject,
  PlacementDeviceKind,
  PlacementRole,
  PlacementFormat,
  PlacementTimeUnit,
  TensorParallelConfig,
  PlacementNode,
  PlacementJsonHints,
  PlacementEdge,
  PlacementResources,
  PlacementTraining,
  PlacementProblem,
} from './placement-problem/types.js'
export { detectPlacementFormat, readPlacementProblem } from './placement-problem/detect.js'
export type { PlacementJsonFormat } from './placement-problem/detect.js'
