/**
 * A request that strays from the API's own description: a route or method it does not have, a
 * parameter or body field it does not define, a value of the wrong type. Real servers often
 * ignore such a stray part silently (which is how a client comes to rely on a field that does
 * nothing), so the fakes are stricter than the servers: a request check throws this, and the core
 * answers 400 with `CONTRACT_MARKER` in the message and records the error in `errors`, which tests
 * assert empty. A client that strays fails its test, whatever it does with the answer.
 */
export const CONTRACT_MARKER = 'fake-forge: request not in the API description'

export class ContractViolation extends Error {
  constructor(
    /** `METHOD /path` as received. */
    readonly request: string,
    readonly problems: readonly string[],
    /** Where the description comes from (a document, a file and commit). */
    readonly source: string,
  ) {
    super(`${request}: ${problems.join('; ')} (checked against ${source})`)
    this.name = 'ContractViolation'
  }
}
