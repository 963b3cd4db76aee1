// Solve time of @dnnperf/milp per back-end on a few models. Run after `npx nx run @dnnperf/milp:build`:
//   node tools/bench/milp-solve.mjs
// Prints one JSON object: per model and solver, the cold first solve (worker start-up and WebAssembly load
// included), the median of warm solves (pooled worker), the status and objective.
import { createModel, solve } from '@dnnperf/milp'

function lcg(seed) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

function knapsack3() {
  const m = createModel('knapsack3')
  for (const n of ['a', 'b', 'c']) m.addVariable({ name: n, type: 'binary' })
  m.addConstraint({
    terms: [
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ].map(([variable, coefficient]) => ({ variable, coefficient })),
    sense: '<=',
    rhs: 50,
  })
  m.setObjective({
    sense: 'maximize',
    terms: [
      ['a', 60],
      ['b', 100],
      ['c', 120],
    ].map(([variable, coefficient]) => ({ variable, coefficient })),
  })
  return m
}

function transportLp(n) {
  const rnd = lcg(n)
  const m = createModel(`transport-lp-${n}`)
  const supply = Array.from({ length: n }, () => 50 + Math.floor(rnd() * 50))
  const total = supply.reduce((a, b) => a + b, 0)
  const demand = Array.from({ length: n }, () => total / n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.addVariable({ name: `f${i}_${j}` })
  for (let i = 0; i < n; i++)
    m.addConstraint({
      terms: demand.map((_, j) => ({ variable: `f${i}_${j}`, coefficient: 1 })),
      sense: '<=',
      rhs: supply[i],
    })
  for (let j = 0; j < n; j++)
    m.addConstraint({
      terms: supply.map((_, i) => ({ variable: `f${i}_${j}`, coefficient: 1 })),
      sense: '>=',
      rhs: demand[j],
    })
  m.setObjective({
    sense: 'minimize',
    terms: m.variables.map((v) => ({ variable: v, coefficient: 1 + Math.floor(rnd() * 20) })),
  })
  return m
}

function assignment(n) {
  const rnd = lcg(7 * n)
  const m = createModel(`assignment-${n}`)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) m.addVariable({ name: `a${i}_${j}`, type: 'binary' })
  for (let i = 0; i < n; i++) {
    m.addConstraint({
      terms: Array.from({ length: n }, (_, j) => ({ variable: `a${i}_${j}`, coefficient: 1 })),
      sense: '=',
      rhs: 1,
    })
    m.addConstraint({
      terms: Array.from({ length: n }, (_, j) => ({ variable: `a${j}_${i}`, coefficient: 1 })),
      sense: '=',
      rhs: 1,
    })
  }
  m.setObjective({
    sense: 'minimize',
    terms: m.variables.map((v) => ({ variable: v, coefficient: 1 + Math.floor(rnd() * 100) })),
  })
  return m
}

function multiKnapsack(items, dims, seed) {
  const rnd = lcg(seed)
  const w = Array.from({ length: dims }, () =>
    Array.from({ length: items }, () => 10 + Math.floor(rnd() * 90)),
  )
  const v = Array.from(
    { length: items },
    (_, j) => w.reduce((a, r) => a + r[j], 0) / dims + Math.floor(rnd() * 20),
  )
  const m = createModel(`mkp-${items}x${dims}`)
  for (let j = 0; j < items; j++) m.addVariable({ name: `x${j}`, type: 'binary' })
  for (const [i, row] of w.entries()) {
    m.addConstraint({
      name: `cap${i}`,
      terms: row.map((c, j) => ({ variable: `x${j}`, coefficient: c })),
      sense: '<=',
      rhs: Math.floor(row.reduce((a, b) => a + b, 0) / 2),
    })
  }
  m.setObjective({ sense: 'maximize', terms: v.map((c, j) => ({ variable: `x${j}`, coefficient: c })) })
  return m
}

const cases = [
  { model: knapsack3(), repeats: 20, timeLimitS: 10 },
  { model: transportLp(20), repeats: 5, timeLimitS: 10 },
  { model: assignment(12), repeats: 5, timeLimitS: 10 },
  { model: multiKnapsack(20, 3, 11), repeats: 3, timeLimitS: 10 },
  { model: multiKnapsack(60, 5, 12345), repeats: 1, timeLimitS: 2 },
]

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const results = []
for (const solver of ['glpk', 'highs']) {
  let first = true
  for (const { model, repeats, timeLimitS } of cases) {
    const times = []
    let last
    for (let k = 0; k < repeats + 1; k++) {
      last = await solve(model, { solver, timeLimitS })
      times.push(last.timeS)
    }
    results.push({
      model: model.name,
      solver,
      variables: model.variables.length,
      constraints: model.constraints.length,
      status: last.status,
      objective: last.objective,
      bestBound: last.bestBound,
      gap: last.gap,
      ...(first ? { coldFirstSolveS: times[0] } : {}),
      warmMedianS: median(times.slice(1)),
      repeats,
    })
    first = false
  }
}
console.log(JSON.stringify({ bench: 'milp-solve', node: process.version, results }, null, 2))
