import Testing

@testable import RulesEngine

struct JSONParserTests {
    // MARK: - Valid documents

    @Test func parsesEveryKindOfValueAndKeepsKeyOrder() throws {
        let value = try JSONParser().parse(
            #"{"z": null, "b": true, "a": false, "n": -12, "d": 1.5e2, "s": "x", "l": [1, [], {}], "o": {"k": "v"}}"#
        )
        guard case .object(let members) = value else {
            Issue.record("expected an object, got \(value)")
            return
        }
        #expect(members.map(\.0) == ["z", "b", "a", "n", "d", "s", "l", "o"])
        #expect(members[0].1 == .null)
        #expect(members[1].1 == .bool(true))
        #expect(members[2].1 == .bool(false))
        guard case .int(-12) = members[3].1 else {
            Issue.record("-12 must be an integer, got \(members[3].1)")
            return
        }
        guard case .double(150) = members[4].1 else {
            Issue.record("1.5e2 must be a double, got \(members[4].1)")
            return
        }
        #expect(members[5].1 == .string("x"))
        #expect(members[6].1 == .array([.int(1), .array([]), .object([])]))
        #expect(members[7].1 == .object([("k", .string("v"))]))
    }

    @Test(arguments: [
        ("0", JSONValue.int(0)),
        ("-0", .int(0)),
        ("42", .int(42)),
        ("9223372036854775807", .int(Int64.max)),
        ("-9223372036854775808", .int(Int64.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("0.5", .double(0.5)),
        ("-0.25", .double(-0.25)),
        ("1E+2", .double(100)),
        ("1e-2", .double(0.01)),
        ("2.5E3", .double(2500)),
        ("  \t\r\n true \n", .bool(true)),
        ("null", .null),
        ("\"\"", .string("")),
        ("[]", .array([])),
        ("{}", .object([])),
    ])
    func parsesScalarsAndEmptyContainers(text: String, expected: JSONValue) throws {
        let value = try JSONParser().parse(text)
        #expect(value == expected)
        #expect(value.typeName == expected.typeName, "an integer stays an integer and a number a number")
    }

    @Test func decodesEveryEscape() throws {
        let value = try JSONParser().parse(#""q\" b\\ s\/ \b\f\n\r\t \u00e6\u00C6 \u0000 \uD83D\uDE00""#)
        #expect(value == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t æÆ \u{0} 😀"))
    }

    @Test func readsRawUTF8TextUnchanged() throws {
        #expect(try JSONParser().parse("\"Sundhed og Omsorg — ældre 😀\"") == .string("Sundhed og Omsorg — ældre 😀"))
    }

    @Test func parsesFromBytes() throws {
        let bytes = Array(#"{"a": [1, "ø"]}"#.utf8)
        #expect(try JSONParser().parse(bytes) == .object([("a", .array([.int(1), .string("ø")]))]))
    }

    // MARK: - Errors, with position

    struct BadCase: CustomTestStringConvertible, Sendable {
        var text: String
        var message: String
        var line: Int
        var column: Int
        var testDescription: String { "\(text.debugDescription) → \(line):\(column) \(message)" }
    }

    static let badDocuments: [BadCase] = [
        // Structure.
        BadCase(text: "", message: "unexpected end of JSON text", line: 1, column: 1),
        BadCase(text: "   ", message: "unexpected end of JSON text", line: 1, column: 4),
        BadCase(text: "[1,]", message: "unexpected character ']'", line: 1, column: 4),
        BadCase(text: #"{"a":1,}"#, message: "expected a quoted object key", line: 1, column: 8),
        BadCase(text: #"{"a":1,"a":2}"#, message: #"duplicate key "a""#, line: 1, column: 8),
        BadCase(text: #"{"a":1,"\u0061":2}"#, message: #"duplicate key "a""#, line: 1, column: 8),
        BadCase(text: #"{"a" 1}"#, message: "expected ':' after object key", line: 1, column: 6),
        BadCase(text: "[1 2]", message: "expected ',' or ']' in array", line: 1, column: 4),
        BadCase(text: #"{"a":1 "b":2}"#, message: "expected ',' or '}' in object", line: 1, column: 8),
        BadCase(text: "{1:2}", message: "expected a quoted object key", line: 1, column: 2),
        BadCase(text: "[1", message: "unexpected end of JSON text in array", line: 1, column: 3),
        BadCase(text: "{} x", message: "unexpected text after the JSON value", line: 1, column: 4),
        BadCase(text: "1 2", message: "unexpected text after the JSON value", line: 1, column: 3),
        BadCase(text: "truex", message: "unexpected text after the JSON value", line: 1, column: 5),
        BadCase(text: "[1] // comment", message: "unexpected text after the JSON value", line: 1, column: 5),
        BadCase(text: "\u{0C}1", message: "unexpected character", line: 1, column: 1),
        // Numbers.
        BadCase(text: "01", message: "leading zeros", line: 1, column: 2),
        BadCase(text: "-01", message: "leading zeros", line: 1, column: 3),
        BadCase(text: "+1", message: "unexpected character '+'", line: 1, column: 1),
        BadCase(text: "[1.]", message: "malformed number", line: 1, column: 4),
        BadCase(text: ".5", message: "unexpected character '.'", line: 1, column: 1),
        BadCase(text: "1e", message: "malformed number", line: 1, column: 3),
        BadCase(text: "-", message: "malformed number", line: 1, column: 2),
        BadCase(text: "1e400", message: "number out of range", line: 1, column: 1),
        // NaN-ish literals.
        BadCase(text: "NaN", message: "unexpected character 'N'", line: 1, column: 1),
        BadCase(text: "nan", message: "unknown literal", line: 1, column: 1),
        BadCase(text: "Infinity", message: "unexpected character 'I'", line: 1, column: 1),
        BadCase(text: "-Infinity", message: "malformed number", line: 1, column: 2),
        BadCase(text: "[tru]", message: "unknown literal", line: 1, column: 2),
        BadCase(text: "True", message: "unexpected character 'T'", line: 1, column: 1),
        // Escapes.
        BadCase(text: #""\x""#, message: #"invalid escape '\x'"#, line: 1, column: 2),
        BadCase(text: #""ab\'""#, message: #"invalid escape '\''"#, line: 1, column: 4),
        BadCase(text: #""\u12G4""#, message: "invalid hex digit", line: 1, column: 6),
        BadCase(text: #"["\u12"]"#, message: "invalid hex digit", line: 1, column: 7),
        BadCase(text: #""\u12"#, message: "truncated \\u escape", line: 1, column: 4),
        // Unpaired surrogates.
        BadCase(text: #""\uD800""#, message: "unpaired UTF-16 surrogate", line: 1, column: 8),
        BadCase(text: #""\uD800x""#, message: "unpaired UTF-16 surrogate", line: 1, column: 8),
        BadCase(text: #""\uDC00""#, message: "unpaired UTF-16 surrogate", line: 1, column: 8),
        BadCase(text: #""\uD800\u0041""#, message: "unpaired UTF-16 surrogate", line: 1, column: 14),
        BadCase(text: #""\uDBFF\uDBFF""#, message: "unpaired UTF-16 surrogate", line: 1, column: 14),
        // Control characters and unterminated strings.
        BadCase(text: "\"a\tb\"", message: "control character in string", line: 1, column: 3),
        BadCase(text: "\"a\nb\"", message: "control character in string", line: 1, column: 3),
        BadCase(text: "\"\\n\u{01}\"", message: "control character in string", line: 1, column: 4),
        BadCase(text: "\"abc", message: "unterminated string", line: 1, column: 1),
        BadCase(text: "[\"ab\\n", message: "unterminated string", line: 1, column: 2),
        // Positions on later lines, counting characters (not bytes).
        BadCase(text: "{\n  \"a\": 1,\n  \"b\": tru\n}", message: "unknown literal", line: 3, column: 8),
        BadCase(text: "[\"ø\", x]", message: "unexpected character 'x'", line: 1, column: 7),
        BadCase(text: "[\r\n 1,\r\n]", message: "unexpected character ']'", line: 3, column: 1),
    ]

    @Test(arguments: badDocuments)
    func rejectsWithPosition(_ bad: BadCase) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser().parse(bad.text) }
        #expect(error?.message.contains(bad.message) == true, "message: \(error?.message ?? "-")")
        #expect(error?.line == bad.line)
        #expect(error?.column == bad.column)
        #expect(error?.description == "line \(bad.line), column \(bad.column): \(error?.message ?? "")")
    }

    @Test func rejectsInvalidUTF8InsideAString() {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser().parse([0x5B, 0x22, 0xFF, 0x22, 0x5D]) }
        #expect(error?.message == "string is not valid UTF-8")
        #expect(error?.column == 3)
        #expect(error?.offset == 2)
    }

    /// Invalid UTF-8 of every kind, including a truncated four-byte sequence whose repair (one U+FFFD) has the
    /// same length as the input, in a plain string, in a string with an escape and in a key.
    @Test(arguments: [[0xC3], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xFF], [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]])
    func rejectsEveryKindOfInvalidUTF8(_ bad: [UInt8]) {
        let quote: [UInt8] = [0x22]
        for document in [
            [0x5B] + quote + Array("ab".utf8) + bad + quote + [0x5D],
            [0x5B] + quote + Array("a\\n".utf8) + bad + quote + [0x5D],
            [0x7B] + quote + bad + quote + Array(":1}".utf8),
        ] {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser().parse(document) }
            #expect(error?.message == "string is not valid UTF-8", "\(document)")
        }
    }

    @Test func acceptsValidMultiByteUTF8() throws {
        let text = "æøå Ω € 😀 \u{10FFFF}"
        #expect(try JSONParser().parse(Array("[\"\(text)\"]".utf8)) == .array([.string(text)]))
        #expect(try JSONParser().parse(Array("{\"\(text)\":1}".utf8)) == .object([(text, .int(1))]))
    }

    @Test func reportsTheByteOffset() {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser().parse("[\"æ\", ?]") }
        #expect(error?.offset == 7, "'?' is byte 7: æ takes two bytes")
        #expect(error?.column == 7)
    }

    // MARK: - Limits

    @Test func nestingUpToTheDepthLimitIsAccepted() throws {
        let limits = JSONLimits(maxDepth: 32)
        let deepest = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try JSONParser(limits: limits).parse(deepest)
        let tooDeep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser(limits: limits).parse(tooDeep) }
        #expect(error?.message == "nesting deeper than 32 levels")
        #expect(error?.column == 33, "the 33rd '[' is the one too deep")
    }

    @Test func depthLimitCountsObjectsAndArraysAlike() throws {
        let parser = JSONParser(limits: JSONLimits(maxDepth: 3))
        _ = try parser.parse(#"{"a": [{"c": 1}]}"#)
        let error = #expect(throws: JSONSyntaxError.self) { try parser.parse(#"{"a":{"b":[{}]}}"#) }
        #expect(error?.message == "nesting deeper than 3 levels")
        #expect(error?.line == 1)
        #expect(error?.column == 12)
    }

    @Test func defaultLimitsAreDocumentedValues() {
        let limits = JSONLimits()
        #expect(limits.maxDepth == 32)
        #expect(limits.maxStringLength == 65_536)
        #expect(limits.maxContainerCount == 10_000)
    }

    @Test func stringLengthLimitCountsUTF8BytesAfterEscapes() throws {
        let parser = JSONParser(limits: JSONLimits(maxStringLength: 5))
        #expect(try parser.parse(#""abcde""#) == .string("abcde"))
        #expect(try parser.parse(#""ab\ncd""#) == .string("ab\ncd"), "an escape counts as the one byte it decodes to")
        #expect(try parser.parse(#""ææa""#) == .string("ææa"))

        for text in [#""abcdef""#, #""æææ""#, #""ab\ncde""#, #"{"abcdef": 1}"#] {
            let error = #expect(throws: JSONSyntaxError.self) { try parser.parse(text) }
            #expect(error?.message == "string longer than 5 bytes", "\(text)")
            #expect(error?.column == (text.hasPrefix("{") ? 3 : 2), "points at the start of the text: \(text)")
        }
    }

    @Test func containerCountLimitAppliesToArraysAndObjects() throws {
        let parser = JSONParser(limits: JSONLimits(maxContainerCount: 2))
        _ = try parser.parse(#"[1, 2]"#)
        _ = try parser.parse(#"{"a": 1, "b": 2}"#)

        let arrayError = #expect(throws: JSONSyntaxError.self) { try parser.parse("[1,2,3]") }
        #expect(arrayError?.message == "array has more than 2 elements")
        #expect(arrayError?.column == 6)

        let objectError = #expect(throws: JSONSyntaxError.self) { try parser.parse(#"{"a":1,"b":2,"c":3}"#) }
        #expect(objectError?.message == "object has more than 2 members")
        #expect(objectError?.column == 18)
    }

    @Test func aHugeDocumentOfDefaultDepthIsRejectedWithoutCrashing() {
        let text = String(repeating: "[", count: 100_000)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser().parse(text) }
        #expect(error?.message == "nesting deeper than 32 levels")
    }
}
