public import RulesEngine

/// Fuzz target for a request body: the JSON parser and the request decoder, with the broker's default limits
/// (`BrokerConfiguration.jsonLimits`, the same as `config/aiscreen.yaml`).
///
/// Must hold for every input: text the parser refuses is refused by the decoder with one `invalid-json` error;
/// for text it accepts, the single-pass decoder (``RequestDecoder/decode(bytes:)``) and the thorough one agree,
/// build the same value, and a refusal lists at least one error; the writer's output of a parsed value parses again and is written
/// the same way (it is canonical).
public struct RequestTarget: Sendable {
    public let decoder: RequestDecoder

    /// - Parameter schema: The request schema, e.g. `config/schema/ai-tool-request.v1.json` loaded.
    public init(schema: SchemaNode, limits: JSONLimits = JSONLimits()) {
        decoder = RequestDecoder(schema: schema, limits: limits)
    }

    public func run(_ input: [UInt8]) throws(FuzzViolation) -> FuzzOutcome {
        let parser = JSONParser(limits: decoder.limits)
        let parsed = Result { () throws(JSONSyntaxError) in try parser.parse(input) }
        let decoded = input.withUnsafeBufferPointer { bytes in
            Result { () throws(RequestValidationError) in try decoder.decode(bytes: bytes) }
        }
        guard case .success(let document) = parsed else {
            guard case .failure(let refusal) = decoded, refusal.errors.map(\.code) == [.invalidJSON] else {
                throw FuzzViolation("the parser refuses the text but the decoder does not say invalid-json")
            }
            return .rejected(RequestError.Code.invalidJSON.description)
        }
        try checkCanonicalWriting(document, parser)
        let thorough = Result { () throws(RequestValidationError) in try decoder.decode(document) }
        switch (decoded, thorough) {
        case (.success(let fast), .success(let slow)):
            guard fast.root == slow.root else {
                throw FuzzViolation("decode(bytes:) and decode(_:) build different values")
            }
            return .decoded
        case (.failure(let fast), .failure(let slow)):
            guard !fast.errors.isEmpty, fast.errors == slow.errors else {
                throw FuzzViolation("decode(bytes:) and decode(_:) refuse with different errors:\n\(fast)\n---\n\(slow)")
            }
            guard !fast.errors.contains(where: { $0.code == .invalidJSON }) else {
                throw FuzzViolation("the parser accepts the text but the decoder says invalid-json")
            }
            return .rejected(fast.errors[0].code.description)
        case (.success, .failure(let slow)):
            throw FuzzViolation("decode(bytes:) accepts what decode(_:) refuses:\n\(slow)")
        case (.failure(let fast), .success):
            throw FuzzViolation("decode(bytes:) refuses what decode(_:) accepts:\n\(fast)")
        }
    }

    private func checkCanonicalWriting(_ document: JSONValue, _ parser: JSONParser) throws(FuzzViolation) {
        let written = JSONWriter.string(document)
        switch Result(catching: { () throws(JSONSyntaxError) in try parser.parse(written) }) {
        case .success(let reparsed):
            let rewritten = JSONWriter.string(reparsed)
            guard rewritten == written else {
                throw FuzzViolation("the writer is not canonical: \(written) is written again as \(rewritten)")
            }
        case .failure(let error):
            throw FuzzViolation("the writer's output does not parse (\(error)): \(written)")
        }
    }
}
