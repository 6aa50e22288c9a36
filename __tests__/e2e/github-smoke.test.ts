import { makeWorkspace, runInProcess } from '../support/run-tool.js'
import { startGitHubScenario } from '../support/github-scenario.js'

it('smoke', async () => {
  const s = await startGitHubScenario()
  const ws = await makeWorkspace({ 'dist/a.tar.gz': 'aaa\n', 'dist/b c.zip': 'bbb\n' })
  const r = await runInProcess(s.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_ASSETS: 'dist/*' }), ws)
  console.log(r.output)
  console.log(s.github.timeline.map((e) => `${e.server} ${e.method} ${e.path}`).join('\n'))
  const r2 = await runInProcess(s.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_ASSETS: 'dist/*' }), ws)
  console.log(r2.output.split("\n").filter((l) => !l.includes("DEBUG")).join("\n")); console.log(s.github.writeRequests().length)
  await s.close()
})
