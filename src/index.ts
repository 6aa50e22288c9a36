#!/usr/bin/env node
// The only module with side effects: hands the process to the command line, sets the exit code.
import { runProcess } from './run-process.js'

process.exitCode = await runProcess(process.argv.slice(2))
