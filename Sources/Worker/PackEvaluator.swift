package import RulesEngine
package import Wire

/// Evaluates screening request bodies with one compiled pack, turning every outcome into a worker answer.
///
/// Pure and thread-safe: the same body always gives the same answer.
package struct PackEvaluator: Sendable {
    /// The pack.
    package let pack: CompiledPack
    /// The service the pack is served as: `pack.<id>`.
    package let service: ServiceName
    private let decoder: RequestDecoder

    /// Prepares a pack for serving.
    /// - Parameters:
    ///   - pack: The compiled pack.
    ///   - limits: JSON size limits for request bodies.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidService`` when `pack.<id>` is not a valid service
    ///   name.
    package init(pack: CompiledPack, limits: JSONLimits = JSONLimits()) throws(WireError) {
        self.pack = pack
        self.service = try ServiceName.pack(pack.id)
        self.decoder = RequestDecoder(schema: pack.schema, limits: limits)
    }

    /// The READY metadata announcing a capacity (§5.3, §7.4): `{"id","version","digest","capacity"}`.
    /// - Parameter capacity: The most tickets the worker holds at once.
    package func readyMetadata(capacity: Int) -> [UInt8] {
        let metadata: JSONValue = .object([
            ("id", .string(pack.id)),
            ("version", .string(pack.version)),
            ("digest", .string(pack.digest)),
            ("capacity", .int(Int64(capacity))),
        ])
        return JSONWriter.bytes(metadata)
    }

    /// Decodes a request body against the pack's schema and evaluates it.
    /// - Parameter body: The screening request JSON, as the client sent it.
    /// - Returns: The pack result (``PackVerdict/json``), or `invalid-json` when the body is not a JSON object,
    ///   or `schema-violation` with every problem found.
    package func evaluate(body: [UInt8]) -> WorkerStateMachine.Outcome {
        let decoded = body.withUnsafeBufferPointer { bytes in
            Result { () throws(RequestValidationError) -> Request in try decoder.decode(bytes: bytes) }
        }
        switch decoded {
        case .success(let request):
            return .result(body: JSONWriter.bytes(pack.evaluate(request)))
        case .failure(let error):
            return .failure(code: Self.code(for: error), message: Self.message(for: error))
        }
    }

    /// `invalid-json` when the body is not JSON or not an object (§4.6), else `schema-violation`.
    static func code(for error: RequestValidationError) -> ErrorCode {
        let notAnObject = error.errors.contains { $0.path == "$" && $0.code == .wrongType }
        let notJSON = error.errors.contains { $0.code == .invalidJSON }
        return notJSON || notAnObject ? .invalidJSON : .schemaViolation
    }

    /// Every problem as `[code] path: message`, joined with `; ` (cut to the ERROR message limit later).
    static func message(for error: RequestValidationError) -> String {
        let problems = error.errors.map { "[\($0.code)] \($0.path): \($0.message)" }
        guard problems.count > 1 else { return problems.first ?? "the request is not valid" }
        return "\(problems.count) problems: " + problems.joined(separator: "; ")
    }
}
