import { describe, expect, it } from 'vitest'
import { GraphCycleError, isDnnperfError } from './errors.js'

describe('errors', () => {
  it('carry a stable code and plain fields', () => {
    const err = new GraphCycleError({ nodeId: 'b', cycle: ['a', 'b', 'a'] })
    expect(isDnnperfError(err)).toBe(true)
    expect(err.code).toBe('GRAPH_CYCLE')
    expect(err.toJSON()).toMatchObject({ code: 'GRAPH_CYCLE', nodeId: 'b', cycle: ['a', 'b', 'a'] })
    expect(isDnnperfError(new Error('x'))).toBe(false)
  })
})
