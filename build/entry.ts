// The bundle's entry, so that ncc runs with build/tsconfig.json (see there).
import '../src/index.js'
