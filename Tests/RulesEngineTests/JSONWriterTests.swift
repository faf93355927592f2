import Testing

@testable import RulesEngine

struct JSONWriterTests {
    static let sample: JSONValue = .object([
        ("z", .null),
        ("b", .bool(true)),
        ("f", .bool(false)),
        ("i", .int(-42)),
        ("d", .double(1.5)),
        ("s", .string("Aarhus \"K\" \\ æ 😀")),
        ("l", .array([.int(1), .array([]), .object([]), .string("")])),
        ("o", .object([("y", .int(Int64.max)), ("x", .int(Int64.min))])),
    ])

    @Test func writesCompactJSONWithKeysInTheGivenOrder() {
        #expect(
            JSONWriter.string(Self.sample)
                == #"{"z":null,"b":true,"f":false,"i":-42,"d":1.5,"s":"Aarhus \"K\" \\ æ 😀","l":[1,[],{},""],"o":{"y":9223372036854775807,"x":-9223372036854775808}}"#
        )
    }

    @Test func sameValueAlwaysGivesTheSameBytes() {
        let first = JSONWriter.string(Self.sample)
        for _ in 0..<10 { #expect(JSONWriter.string(Self.sample) == first) }
        var writer = JSONWriter()
        writer.write(Self.sample)
        #expect(writer.output == first)
    }

    @Test func keyOrderIsPartOfTheOutput() {
        let ab = JSONValue.object([("a", .int(1)), ("b", .int(2))])
        let ba = JSONValue.object([("b", .int(2)), ("a", .int(1))])
        #expect(ab == ba, "objects compare by content")
        #expect(JSONWriter.string(ab) == #"{"a":1,"b":2}"#)
        #expect(JSONWriter.string(ba) == #"{"b":2,"a":1}"#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = JSONWriter.string(Self.sample)
        let parsed = try JSONParser().parse(text)
        #expect(parsed == Self.sample)
        #expect(JSONWriter.string(parsed) == text, "writing what was read gives the same bytes")
    }

    @Test func roundTripsTheRequestSchemaFile() throws {
        let text = try Repository.text(Repository.requestSchemaPath)
        let parsed = try JSONParser(limits: JSONLimits(maxDepth: 64, maxStringLength: 1 << 20)).parse(text)
        let written = JSONWriter.string(parsed)
        let reparsed = try JSONParser(limits: JSONLimits(maxDepth: 64, maxStringLength: 1 << 20)).parse(written)
        #expect(reparsed == parsed)
        #expect(JSONWriter.string(reparsed) == written)
    }

    @Test(arguments: [
        ("\"", #""\"""#),
        ("\\", #""\\""#),
        ("\n", #""\n""#),
        ("\r", #""\r""#),
        ("\t", #""\t""#),
        ("\u{08}", #""\u0008""#),
        ("\u{0C}", #""\u000c""#),
        ("\u{00}", #""\u0000""#),
        ("\u{1F}", #""\u001f""#),
        ("/", #""/""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("æøå", #""æøå""#),
        ("a\"b\nc", #""a\"b\nc""#),
    ])
    func escapesOnlyWhatJSONRequires(text: String, expected: String) throws {
        let written = JSONWriter.string(.string(text))
        #expect(written == expected)
        #expect(try JSONParser().parse(written) == .string(text))
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let text = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let written = JSONWriter.string(.string(text))
        #expect(!written.utf8.dropFirst().dropLast().contains(where: { $0 < 0x20 }), "no raw control characters")
        #expect(try JSONParser().parse(written) == .string(text))
    }

    @Test(arguments: [
        (2.0, "2"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (-1.25, "-1.25"),
        (123_456_789_012_345.0, "123456789012345"),
        (1e15, "1000000000000000.0"),
        (1e16, "1e+16"),
        (1e-7, "1e-07"),
        (Double.nan, "null"),
        (Double.infinity, "null"),
        (-Double.infinity, "null"),
    ])
    func writesNumbersShortestAndFinite(value: Double, expected: String) throws {
        let written = JSONWriter.string(.double(value))
        #expect(written == expected)
        if value.isFinite {
            #expect(try JSONParser().parse(written) == .double(value), "a written number reads back as the same value")
        }
    }

    @Test func writesIntegersExactly() {
        #expect(JSONWriter.string(.int(0)) == "0")
        #expect(JSONWriter.string(.int(-7)) == "-7")
        #expect(
            JSONWriter.string(.array([.int(Int64.max), .int(Int64.min)]))
                == "[9223372036854775807,-9223372036854775808]"
        )
    }
}

struct JSONValueTests {
    @Test func integersAndDoublesWithTheSameValueAreEqualAndHashAlike() {
        #expect(JSONValue.int(2) == .double(2.0))
        #expect(JSONValue.double(2.0) == .int(2))
        #expect(JSONValue.int(2) != .double(2.5))
        #expect(Set([JSONValue.int(2), .double(2.0)]).count == 1)
    }

    @Test func differentTypesAreNeverEqual() {
        #expect(JSONValue.bool(false) != .int(0))
        #expect(JSONValue.string("1") != .int(1))
        #expect(JSONValue.null != .string("null"))
        #expect(JSONValue.array([]) != .object([]))
    }

    @Test func objectsCompareByMembersNotOrder() {
        #expect(JSONValue.object([("a", .int(1)), ("b", .int(2))]) == .object([("b", .int(2)), ("a", .int(1))]))
        #expect(JSONValue.object([("a", .int(1))]) != .object([("a", .int(2))]))
        #expect(JSONValue.object([("a", .int(1))]) != .object([("a", .int(1)), ("b", .int(2))]))
        #expect(JSONValue.object([("a", .int(1))]) != .object([("b", .int(1))]))
    }

    @Test func subscriptFindsMembers() {
        let value = JSONValue.object([("a", .int(1)), ("b", .null)])
        #expect(value["a"] == .int(1))
        #expect(value["b"] == .null)
        #expect(value["c"] == nil)
        #expect(JSONValue.array([])["a"] == nil)
    }

    @Test func mergingOverlaysObjectsRecursivelyAndReplacesEverythingElse() {
        let base = JSONValue.object([
            ("schema_version", .string("1.0")),
            ("data", .object([("personal_data", .bool(false)), ("data_subjects", .array([.string("employees")]))])),
        ])
        let overlay = JSONValue.object([
            ("data", .object([("personal_data", .bool(true)), ("data_subjects", .array([.string("children")]))])),
            ("tool", .object([("name", .string("X"))])),
        ])
        let merged = base.merging(overlay)
        guard case .object(let members) = merged else {
            Issue.record("expected an object")
            return
        }
        #expect(
            members.map(\.0) == ["schema_version", "data", "tool"],
            "new keys go last; existing keys keep their place"
        )
        #expect(merged["data"]?["personal_data"] == .bool(true))
        #expect(merged["data"]?["data_subjects"] == .array([.string("children")]), "lists are replaced, not appended")
        #expect(merged["tool"]?["name"] == .string("X"))
        #expect(JSONValue.int(1).merging(.object([])) == .object([]))
        #expect(JSONValue.object([("a", .int(1))]).merging(.null) == .null)
    }

    @Test(arguments: [
        (JSONValue.null, "null"), (.bool(true), "boolean"), (.int(1), "integer"), (.double(1.5), "number"),
        (.string(""), "string"), (.array([]), "array"), (.object([]), "object"),
    ])
    func typeNames(value: JSONValue, name: String) {
        #expect(value.typeName == name)
    }
}
