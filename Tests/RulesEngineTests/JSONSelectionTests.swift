import Testing

@testable import RulesEngine

/// `JSONParser.select(_:in:)`: the selected parts of a document, built as the full parse builds them; the rest only
/// scanned.
struct JSONSelectionTests {
    static let document = #"""
        {"seq":7,"packs":{"gdpr":{"verdict":"approved","version":"1.0.0","findings":[{"id":"a","evidence":{"x":[1,"\u00e6"]}}]},
         "ai-act":{"findings":[],"outputs":{"tier":"high-risk","other":{"deep":[[]]}},"verdict":"needs-review"}},
         "errors":[],"verdict":"needs-review","note":"\"q\""}
        """#

    static let selection = JSONSelection.members([
        "seq": .whole, "verdict": .whole, "errors": .whole,
        "packs": .everyMember(.members(["verdict": .whole, "version": .whole, "outputs": .members(["tier": .whole])])),
    ])

    @Test func theSelectedPartsAreThoseOfTheFullParseInTheDocumentsOrder() throws {
        let bytes = Array(Self.document.utf8)
        let full = try JSONParser().parse(bytes)
        let selected = try JSONParser().select(Self.selection, in: bytes)
        let expected = JSONValue.object([
            ("seq", .int(7)),
            ("packs", .object([
                ("gdpr", .object([("verdict", .string("approved")), ("version", .string("1.0.0"))])),
                ("ai-act", .object([("outputs", .object([("tier", .string("high-risk"))])), ("verdict", .string("needs-review"))])),
            ])),
            ("errors", .array([])), ("verdict", .string("needs-review")),
        ])
        #expect(selected == expected)
        #expect(selected["packs"]?["ai-act"]?["outputs"]?["tier"] == full["packs"]?["ai-act"]?["outputs"]?["tier"])
        #expect(try JSONParser().select(.whole, in: bytes) == full)
    }

    @Test func aSelectionOfMembersTakesAnythingButAnObjectWhole() throws {
        #expect(try JSONParser().select(Self.selection, in: Array("[1,2]".utf8)) == .array([.int(1), .int(2)]))
        #expect(try JSONParser().select(.members(["packs": .everyMember(.whole)]), in: Array(#"{"packs":"none"}"#.utf8))
            == .object([("packs", .string("none"))]))
    }

    @Test(arguments: [
        #"{"verdict":"x""#, #"{"verdict":"x"} trailing"#, #"{"a":"\q","verdict":"x"}"#, #"{"a":[1,,2],"verdict":"x"}"#,
        #"{"packs":{"p":{"findings":[tru]}}}"#, #"{"verdict":"x","verdict":"y"}"#, #"{"packs":{"p":{},"p":{}}}"#,
    ])
    func malformedOrAmbiguousDocumentsAreRejectedEvenWhenTheBrokenPartIsOnlyScanned(text: String) throws {
        #expect(throws: JSONSyntaxError.self) { try JSONParser().select(Self.selection, in: Array(text.utf8)) }
    }

    @Test func theLimitsHoldForScannedValues() throws {
        let deep = #"{"packs":{"p":{"findings":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}}}"
        #expect(throws: JSONSyntaxError.self) { try JSONParser(limits: JSONLimits(maxDepth: 32)).select(Self.selection, in: Array(deep.utf8)) }
        #expect(try JSONParser(limits: JSONLimits(maxDepth: 64)).select(Self.selection, in: Array(deep.utf8))
            == .object([("packs", .object([("p", .object([]))]))]), "the findings are scanned, not built")
    }
}
