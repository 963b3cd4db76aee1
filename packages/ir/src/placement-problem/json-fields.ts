import { FormatError } from '../errors.js'
import type { JsonObject, JsonValue } from './types.js'

/** Field readers shared by the format importers; each failure is a FormatError naming format and path. */
export interface FieldReader {
  readonly format: string
  parse(text: string): JsonValue
  object(value: unknown, path: string): JsonObject
  array(value: unknown, path: string): readonly JsonValue[]
  number(obj: JsonObject, key: string, path: string): number
  optionalNumber(obj: JsonObject, key: string, path: string): number | undefined
  integer(obj: JsonObject, key: string, path: string): number
  optionalString(obj: JsonObject, key: string, path: string): string | undefined
  string(obj: JsonObject, key: string, path: string): string
  /** A boolean written as `true`/`false` or `0`/`1`; `numeric` tells which spelling was used. */
  boolish(obj: JsonObject, key: string, path: string): { value: boolean; numeric: boolean }
  fail(path: string, detail: string): never
}

export function fieldReader(format: string): FieldReader {
  const fail = (path: string, detail: string): never => {
    throw new FormatError({ format, path, detail })
  }
  const number = (obj: JsonObject, key: string, path: string): number => {
    const v = obj[key]
    if (v === undefined) return fail(`${path}.${key}`, 'required number is missing')
    if (typeof v !== 'number') return fail(`${path}.${key}`, `expected a number, found ${JSON.stringify(v)}`)
    return v
  }
  return {
    format,
    fail,
    parse(text) {
      try {
        return JSON.parse(text) as JsonValue
      } catch (err) {
        return fail('$', `not valid JSON: ${(err as Error).message}`)
      }
    },
    object(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail(path, `expected an object, found ${JSON.stringify(value)?.slice(0, 40)}`)
      }
      return value as JsonObject
    },
    array(value, path) {
      if (!Array.isArray(value)) return fail(path, 'expected an array')
      return value as readonly JsonValue[]
    },
    number,
    optionalNumber(obj, key, path) {
      return obj[key] === undefined ? undefined : number(obj, key, path)
    },
    integer(obj, key, path) {
      const v = number(obj, key, path)
      if (!Number.isInteger(v)) fail(`${path}.${key}`, `expected an integer, found ${v}`)
      return v
    },
    optionalString(obj, key, path) {
      const v = obj[key]
      if (v === undefined) return undefined
      if (typeof v !== 'string')
        return fail(`${path}.${key}`, `expected a string, found ${JSON.stringify(v)}`)
      return v
    },
    string(obj, key, path) {
      const v = obj[key]
      if (typeof v !== 'string')
        return fail(`${path}.${key}`, `expected a string, found ${JSON.stringify(v)}`)
      return v
    },
    boolish(obj, key, path) {
      const v = obj[key]
      if (typeof v === 'boolean') return { value: v, numeric: false }
      if (v === 0 || v === 1) return { value: v === 1, numeric: true }
      return fail(`${path}.${key}`, `expected true/false or 0/1, found ${JSON.stringify(v)}`)
    },
  }
}

/** The fields of `obj` not listed in `known`, or undefined when there are none. */
export function unknownFields(obj: JsonObject, known: readonly string[]): JsonObject | undefined {
  let out: Record<string, JsonValue> | undefined
  for (const [k, v] of Object.entries(obj)) {
    if (known.includes(k)) continue
    out ??= {}
    out[k] = v
  }
  return out
}

/** A numeric id string back to the integer the formats use. */
export function integerId(format: string, id: string, path: string): number {
  const n = Number(id)
  if (id === '' || !Number.isInteger(n) || String(n) !== id) {
    throw new FormatError({
      format,
      path,
      detail: `id "${id}" is not an integer; this format needs integer ids`,
    })
  }
  return n
}

/** `{ [key]: value }`, or `{}` when value is undefined: builds objects under exactOptionalPropertyTypes. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
