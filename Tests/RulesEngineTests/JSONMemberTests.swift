import Testing

@testable import RulesEngine

/// `JSONParser.member(_:in:)`: one top-level member without building the rest.
struct JSONMemberTests {
    static let document = #"{"request_id":"r-1","verdict":"needs-review","packs":{"a":{"x":[1,2.5e3,-0.5,true,false,null,"\u00e6\n\"q\""]}},"errors":["gdpr: x"],"empty":{},"list":[]}"#

    @Test func everyMemberIsTheSameAsInTheFullParse() throws {
        let bytes = Array(Self.document.utf8)
        let full = try JSONParser().parse(bytes)
        guard case .object(let members) = full else { throw JSONSyntaxError(message: "not an object", offset: 0, line: 1, column: 1) }
        for (key, value) in members {
            #expect(try JSONParser().member(key, in: bytes) == value, "\(key)")
        }
        #expect(try JSONParser().member("missing", in: bytes) == nil)
        let some = try JSONParser().members(["verdict", "errors", "missing"], in: bytes)
        #expect(some.count == 2)
        #expect(some["verdict"] == full["verdict"] && some["errors"] == full["errors"])
    }

    @Test(arguments: [
        #"[1,2]"#, #"{"verdict":"x""#, #"{"verdict":"x"} trailing"#, #"{"a":"\q","verdict":"x"}"#, #"{"a":[1,,2],"verdict":"x"}"#,
        #"{"a":"unterminated,"verdict":"x"}"#, "{\"a\":\"tab\there\",\"verdict\":\"x\"}", #"{"a":tru,"verdict":"x"}"#, #"{"a":"\u12G4"}"#,
    ])
    func malformedDocumentsAreRejectedEvenWhenTheBrokenPartIsOnlyScanned(text: String) throws {
        #expect(throws: JSONSyntaxError.self) { try JSONParser().member("verdict", in: Array(text.utf8)) }
    }

    @Test func theLimitsHoldForScannedValues() throws {
        let deep = #"{"a":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + #","verdict":"x"}"#
        #expect(throws: JSONSyntaxError.self) { try JSONParser(limits: JSONLimits(maxDepth: 32)).member("verdict", in: Array(deep.utf8)) }
        let long = #"{"a":""# + String(repeating: "x", count: 100) + #"","verdict":"x"}"#
        #expect(throws: JSONSyntaxError.self) { try JSONParser(limits: JSONLimits(maxStringLength: 64)).member("verdict", in: Array(long.utf8)) }
        #expect(try JSONParser(limits: JSONLimits(maxStringLength: 100)).member("verdict", in: Array(long.utf8)) == .string("x"))
    }
}
