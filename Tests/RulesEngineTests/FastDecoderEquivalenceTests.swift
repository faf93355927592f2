import Foundation
import Testing

@testable import RulesEngine

/// The single-pass decoder must accept exactly what the thorough decoder accepts, with the same result.
struct FastDecoderEquivalenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func schema() throws -> SchemaNode {
        let text = try String(contentsOf: root.appendingPathComponent("config/schema/ai-tool-request.v1.json"), encoding: .utf8)
        return try SchemaLoader.load(json: text)
    }

    static func examples() throws -> [String] {
        let folder = root.appendingPathComponent("examples/requests")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().filter { $0.hasSuffix(".json") }.map {
            try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }
    }

    /// Fast path result (nil = "take the slow path") and the slow path result for the same bytes.
    static func both(_ text: String, _ schema: SchemaNode) -> (fast: Value?, slow: Value?) {
        let bytes = Array(text.utf8)
        let fast: Value? = bytes.withUnsafeBufferPointer { buffer in
            var decoder = FastRequestDecoder(reader: JSONReader(bytes: buffer, limits: JSONLimits()))
            guard let value = decoder.decode(schema, depth: 0) else { return nil }
            decoder.reader.skipWhitespace()
            return decoder.reader.atEnd ? value : nil
        }
        let slow: Value? = {
            guard let document = try? JSONParser().parse(text) else { return nil }
            return try? RequestDecoder(schema: schema).decode(document).root
        }()
        return (fast, slow)
    }

    @Test func everyExampleTakesTheFastPathWithTheSameResult() throws {
        let schema = try Self.schema()
        let examples = try Self.examples()
        #expect(examples.count >= 15)
        for text in examples {
            let (fast, slow) = Self.both(text, schema)
            #expect(fast != nil)
            #expect(fast == slow)
        }
    }

    @Test func mutatedRequestsNeverMakeTheFastPathAcceptWhatTheSlowPathRejects() throws {
        let schema = try Self.schema()
        let examples = try Self.examples()
        var rng = SplitMix(seed: 42)
        let mutations: [(String) -> String] = [
            { $0.replacingOccurrences(of: "true", with: "\"true\"") },
            { $0.replacingOccurrences(of: "false", with: "0") },
            { $0.replacingOccurrences(of: "\"data\": {", with: "\"data\": {\"extra\": 1, ") },
            { $0.replacingOccurrences(of: "\"personal_data\":", with: "\"personal_data\": true, \"personal_data\":") },
            { $0.replacingOccurrences(of: "\"profiling\"", with: "\"prof\\u0069ling\"") },
            { $0.replacingOccurrences(of: "\"2026-11-27\"", with: "\"2026-02-30\"") },
            { $0.replacingOccurrences(of: "\"deployer\"", with: "\"deploy\"") },
            { $0.replacingOccurrences(of: "\"users_count\": ", with: "\"users_count\": -") },
            { $0.replacingOccurrences(of: "\"request_id\": ", with: "\"request_idx\": ") },
            { $0.replacingOccurrences(of: "[]", with: "[null]") },
            { $0.replacingOccurrences(of: "null", with: "{}") },
            { String($0.dropLast(3)) },
            { $0 + " x" },
            { $0.replacingOccurrences(of: "\"1.0\"", with: "\"1.1\"") },
            { $0.replacingOccurrences(of: "\"DK\"", with: "\"DKK\"") },
            { $0.replacingOccurrences(of: "\"name\": \"", with: "\"name\": \"\\t") },
            // Control characters: a tab is text, a line break in a one-line field and C1 are not.
            { $0.replacingOccurrences(of: "\"vendor\": \"", with: "\"vendor\": \"\\n") },
            { $0.replacingOccurrences(of: "\"vendor\": \"", with: "\"vendor\": \"\u{85}") },
        ]
        var agreedValid = 0
        for _ in 0..<3_000 {
            var text = examples[Int(rng.next() % UInt64(examples.count))]
            for _ in 0...(rng.next() % 3) { text = mutations[Int(rng.next() % UInt64(mutations.count))](text) }
            let (fast, slow) = Self.both(text, schema)
            if let fast {
                #expect(fast == slow, "fast path accepted what the slow path did not: \(text.prefix(200))")
                agreedValid += 1
            }
        }
        #expect(agreedValid > 50)  // enough mutated-but-valid requests to mean something
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
