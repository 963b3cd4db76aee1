/** The modelling layer: variables, linear constraints and a linear objective, validated as they are added. */
import { InvalidValueError, NotFoundError } from '@dnnperf/ir'
import { DuplicateNameError } from './errors.js'
import type {
  Constraint,
  ConstraintSense,
  ConstraintSpec,
  ObjectiveSense,
  ObjectiveSpec,
  Term,
  Variable,
  VariableSpec,
  VariableType,
} from './types.js'

const VARIABLE_TYPES: readonly VariableType[] = ['continuous', 'integer', 'binary']
const SENSES: readonly ConstraintSense[] = ['<=', '>=', '=']

/** The objective as stored: terms resolved to variable indices, coefficients of a repeated variable summed. */
export interface StoredObjective {
  readonly sense: ObjectiveSense
  readonly terms: readonly { readonly variableIndex: number; readonly coefficient: number }[]
  readonly constant: number
}

/**
 * A mixed-integer linear programme under construction. Every method validates its input and throws before
 * changing the model, so a model is always consistent.
 *
 * @example
 * const m = new MilpModel('knapsack')
 * const x = m.addVariable({ name: 'x', type: 'binary' })
 * const y = m.addVariable({ name: 'y', type: 'binary' })
 * m.addConstraint({ name: 'weight', terms: [{ variable: x, coefficient: 2 }, { variable: y, coefficient: 3 }], sense: '<=', rhs: 4 })
 * m.setObjective({ sense: 'maximize', terms: [{ variable: x, coefficient: 3 }, { variable: y, coefficient: 4 }] })
 */
export class MilpModel {
  readonly name: string
  readonly #variables: Variable[] = []
  readonly #byName = new Map<string, Variable>()
  readonly #constraints: Constraint[] = []
  readonly #constraintNames = new Set<string>()
  #objective: StoredObjective = { sense: 'minimize', terms: [], constant: 0 }

  constructor(name = 'model') {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidValueError({ at: 'model', field: 'name', value: name, expected: 'a non-empty string' })
    }
    this.name = name
  }

  /** Variables in order of creation. */
  get variables(): readonly Variable[] {
    return this.#variables
  }

  /** Constraints in order of creation. */
  get constraints(): readonly Constraint[] {
    return this.#constraints
  }

  /** The objective; minimise 0 until `setObjective` is called. */
  get objective(): StoredObjective {
    return this.#objective
  }

  /** True when some variable is integer or binary. */
  get isMip(): boolean {
    return this.#variables.some((v) => v.type !== 'continuous')
  }

  /**
   * Adds a variable and returns its handle.
   * @throws InvalidValueError (`INVALID_VALUE`) for an empty name, an unknown type, NaN bounds, `lb > ub`,
   *   `lb = Infinity`, `ub = -Infinity`, or binary bounds outside [0, 1].
   * @throws DuplicateNameError (`MILP_DUPLICATE_NAME`) when the name is taken.
   */
  addVariable(spec: VariableSpec): Variable {
    if (typeof spec !== 'object' || spec === null) {
      throw new InvalidValueError({ at: 'variable', field: 'spec', value: spec, expected: 'an object' })
    }
    const name = spec.name
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidValueError({
        at: 'variable',
        field: 'name',
        value: name,
        expected: 'a non-empty string',
      })
    }
    if (this.#byName.has(name)) throw new DuplicateNameError({ kind: 'variable', duplicate: name })
    const type = spec.type ?? 'continuous'
    if (!VARIABLE_TYPES.includes(type)) {
      throw new InvalidValueError({
        at: name,
        field: 'type',
        value: type,
        expected: VARIABLE_TYPES.join(' | '),
      })
    }
    const lb = spec.lb ?? 0
    const ub = spec.ub ?? (type === 'binary' ? 1 : Number.POSITIVE_INFINITY)
    if (typeof lb !== 'number' || Number.isNaN(lb) || lb === Number.POSITIVE_INFINITY) {
      throw new InvalidValueError({ at: name, field: 'lb', value: lb, expected: 'a number or -Infinity' })
    }
    if (typeof ub !== 'number' || Number.isNaN(ub) || ub === Number.NEGATIVE_INFINITY) {
      throw new InvalidValueError({ at: name, field: 'ub', value: ub, expected: 'a number or Infinity' })
    }
    if (lb > ub)
      throw new InvalidValueError({ at: name, field: 'lb', value: lb, expected: `at most ub = ${ub}` })
    if (type === 'binary' && (lb < 0 || ub > 1)) {
      throw new InvalidValueError({
        at: name,
        field: 'lb/ub',
        value: `[${lb}, ${ub}]`,
        expected: 'inside [0, 1]',
      })
    }
    const variable: Variable = Object.freeze({ name, index: this.#variables.length, type, lb, ub })
    this.#variables.push(variable)
    this.#byName.set(name, variable)
    return variable
  }

  /** The variable called `name`. @throws NotFoundError (`NOT_FOUND`) when there is none. */
  getVariable(name: string): Variable {
    const v = this.#byName.get(name)
    if (v === undefined) throw new NotFoundError({ what: 'variable', key: String(name) })
    return v
  }

  /**
   * Adds `sum(terms) sense rhs` and returns it. A variable repeated in `terms` has its coefficients summed.
   * @throws InvalidValueError for NaN/infinite coefficients or rhs, or an unknown sense.
   * @throws NotFoundError for a term naming a variable not in this model.
   * @throws DuplicateNameError when the constraint name is taken.
   */
  addConstraint(spec: ConstraintSpec): Constraint {
    if (typeof spec !== 'object' || spec === null) {
      throw new InvalidValueError({ at: 'constraint', field: 'spec', value: spec, expected: 'an object' })
    }
    const name = spec.name ?? `c${this.#constraints.length}`
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidValueError({
        at: 'constraint',
        field: 'name',
        value: name,
        expected: 'a non-empty string',
      })
    }
    if (this.#constraintNames.has(name)) throw new DuplicateNameError({ kind: 'constraint', duplicate: name })
    if (!SENSES.includes(spec.sense)) {
      throw new InvalidValueError({
        at: name,
        field: 'sense',
        value: spec.sense,
        expected: SENSES.join(' | '),
      })
    }
    if (typeof spec.rhs !== 'number' || !Number.isFinite(spec.rhs)) {
      throw new InvalidValueError({ at: name, field: 'rhs', value: spec.rhs, expected: 'a finite number' })
    }
    const terms = this.#resolveTerms(spec.terms, name)
    const constraint: Constraint = Object.freeze({
      name,
      index: this.#constraints.length,
      terms,
      sense: spec.sense,
      rhs: spec.rhs,
    })
    this.#constraints.push(constraint)
    this.#constraintNames.add(name)
    return constraint
  }

  /**
   * Replaces the objective.
   * @throws InvalidValueError for an unknown sense or a NaN/infinite coefficient or constant.
   * @throws NotFoundError for a term naming a variable not in this model.
   */
  setObjective(spec: ObjectiveSpec): void {
    if (
      typeof spec !== 'object' ||
      spec === null ||
      (spec.sense !== 'minimize' && spec.sense !== 'maximize')
    ) {
      throw new InvalidValueError({
        at: 'objective',
        field: 'sense',
        value: spec?.sense ?? spec,
        expected: 'minimize | maximize',
      })
    }
    const constant = spec.constant ?? 0
    if (typeof constant !== 'number' || !Number.isFinite(constant)) {
      throw new InvalidValueError({
        at: 'objective',
        field: 'constant',
        value: constant,
        expected: 'a finite number',
      })
    }
    this.#objective = Object.freeze({
      sense: spec.sense,
      terms: this.#resolveTerms(spec.terms, 'objective'),
      constant,
    })
  }

  #resolveTerms(terms: readonly Term[], at: string): { variableIndex: number; coefficient: number }[] {
    if (!Array.isArray(terms)) {
      throw new InvalidValueError({
        at,
        field: 'terms',
        value: terms,
        expected: 'an array of { variable, coefficient }',
      })
    }
    // Sum repeated variables here: glpk aborts on duplicate matrix entries and HiGHS rejects them.
    const byIndex = new Map<number, number>()
    for (const [k, term] of terms.entries()) {
      const ref = term?.variable
      const name = typeof ref === 'string' ? ref : ref?.name
      const variable = typeof name === 'string' ? this.#byName.get(name) : undefined
      if (variable === undefined || (typeof ref === 'object' && ref !== variable)) {
        throw new NotFoundError({ what: `variable (in ${at}, term ${k})`, key: String(name) })
      }
      const c = term.coefficient
      if (typeof c !== 'number' || !Number.isFinite(c)) {
        throw new InvalidValueError({
          at,
          field: `terms[${k}].coefficient`,
          value: c,
          expected: 'a finite number',
        })
      }
      byIndex.set(variable.index, (byIndex.get(variable.index) ?? 0) + c)
    }
    return [...byIndex].map(([variableIndex, coefficient]) => Object.freeze({ variableIndex, coefficient }))
  }
}

/** A new empty model (minimise 0 until an objective is set). Same as `new MilpModel(name)`. */
export function createModel(name?: string): MilpModel {
  return new MilpModel(name)
}

/** Terms from a `{ name: coefficient }` record, e.g. `linear({ x: 3, y: -1 })`. */
export function linear(coefficients: Readonly<Record<string, number>>): Term[] {
  return Object.entries(coefficients).map(([variable, coefficient]) => ({ variable, coefficient }))
}
