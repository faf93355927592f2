/// Screens requests with a set of compiled packs, in process: decode once per schema, evaluate every pack,
/// combine. Pure; share one across threads.
public struct Screener: Sendable {
    public let packs: [CompiledPack]
    /// Packs a screening must include; a missing one makes the result `needs-review` (fail closed).
    public let required: [String]
    public let limits: JSONLimits

    public init(packs: [CompiledPack], required: [String]? = nil, limits: JSONLimits = JSONLimits()) {
        self.packs = packs
        self.required = required ?? packs.map(\.id)
        self.limits = limits
    }

    /// The schema requests are validated against: the first pack's (all bundled packs share one).
    public var schema: SchemaNode? { packs.first?.schema }

    /// Decodes and validates a request, then screens it.
    /// - Throws: ``RequestValidationError`` when the request is not valid JSON or violates the schema.
    public func screen(json text: String) throws(RequestValidationError) -> ScreeningResult {
        guard let schema else {
            return ScreeningResult(requestID: "", packs: [], required: required)
        }
        let request = try RequestDecoder(schema: schema, limits: limits).decode(json: text)
        return screen(request, json: text)
    }

    /// Screens an already validated request. Packs that read another schema decode `json` themselves; if
    /// that fails, their verdict is a fail-closed `needs-review` with the error.
    public func screen(_ request: Request, json text: String? = nil) -> ScreeningResult {
        var verdicts: [PackVerdict] = []
        for pack in packs {
            if pack.schema === request.schema {
                verdicts.append(pack.evaluate(request))
            } else if let text {
                do {
                    verdicts.append(pack.evaluate(try RequestDecoder(schema: pack.schema, limits: limits).decode(json: text)))
                } catch {
                    verdicts.append(.failed(pack: pack.id, version: pack.version, digest: pack.digest, error: "request does not match this pack's schema: \(error)"))
                }
            } else {
                verdicts.append(.failed(pack: pack.id, version: pack.version, digest: pack.digest, error: "request was decoded with another schema"))
            }
        }
        var screeningDate: Day?
        if case .date(let day)? = request.top("screening_date") { screeningDate = day }
        return ScreeningResult(requestID: request.requestID, packs: verdicts, required: required, screeningDate: screeningDate)
    }
}
