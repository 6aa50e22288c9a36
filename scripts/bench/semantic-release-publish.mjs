// @ts-check
/**
 * Drives @semantic-release/gitlab's publish step as semantic-release would (verifyConditions
 * first, then publish), in its own process, for `npm run bench`. The plugin is installed
 * bench-only under .bench/peers and loaded from there by path.
 *
 * Usage: node semantic-release-publish.mjs <job.json>
 * job.json: { plugin: <path of the plugin's index.js>, pluginConfig, context }
 */
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'

const job = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8'))
const plugin = await import(pathToFileURL(job.plugin).href)
const print = (/** @type {unknown[]} */ ...args) => console.log(...args)
const logger = { log: print, info: print, success: print, warn: print, error: print, debug: print }
try {
  const result = await plugin.publish(job.pluginConfig, {
    ...job.context,
    logger,
    env: { ...process.env, ...job.context.env },
  })
  console.log(`published: ${JSON.stringify(result)}`)
} catch (error) {
  console.error(`publish failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
