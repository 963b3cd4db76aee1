import { runSolverConformance } from './testing/conformance.js'

runSolverConformance('glpk')
runSolverConformance('highs')
