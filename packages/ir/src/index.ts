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
