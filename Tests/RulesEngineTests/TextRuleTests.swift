import Testing

@testable import RulesEngine

/// Free text refuses control characters a terminal or a log would obey; `maxLength` counts Unicode scalars.
struct TextRuleTests {
    @Test(arguments: [
        (#""tool": {"name": "Chat\u001b]0;owned\u0007"}"#, "$.tool.name", "001B"),
        (#""requester": {"department": "HR\nfake row"}"#, "$.requester.department", "000A"),
        (#""tool": {"vendor": "A\u0085B"}"#, "$.tool.vendor", "0085"),
        (#""tool": {"vendor": "A\u007fB"}"#, "$.tool.vendor", "007F"),
        (#""tool": {"description": "two\nlines\u0000"}"#, "$.tool.description", "0000"),
    ])
    func controlCharactersInTextAreRefusedNamingFieldAndCharacter(members: String, path: String, scalar: String) {
        let errors = validationErrors(requestJSON(members))
        #expect(errors.map(\.code) == [.controlCharacter])
        #expect(errors.first?.path == path)
        #expect(errors.first?.message.contains("U+\(scalar)") == true)
    }

    @Test func tabsEverywhereAndLineBreaksInLongTextAreText() throws {
        let request = try decodeRequest(requestJSON(#""tool": {"name": "A\tB", "description": "line one\r\nline two\n"}"#))
        #expect(request.value(at: ["tool", "description"]) == .string("line one\r\nline two\n"))
        #expect(request.value(at: ["tool", "name"]) == .string("A\tB"))
    }

    @Test func maxLengthCountsUnicodeScalarsAsJSONSchemaDoes() throws {
        // One grapheme of two scalars (a flag) fits vendor_country's maxLength 2; two flags (two graphemes, four
        // scalars) do not, though Swift counts them as 2 characters.
        _ = try decodeRequest(requestJSON(#""tool": {"vendor_country": "🇩🇰"}"#))
        let errors = validationErrors(requestJSON(#""tool": {"vendor_country": "🇩🇰🇩🇰"}"#))
        #expect(errors.map(\.code) == [.outOfRange])
        #expect(errors.first?.path == "$.tool.vendor_country")
    }

    @Test func forbiddenScalarsAreExactlyC0AndC1ButTheAllowedOnes() {
        for value in UInt32(0)...0x2100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "a" + String(Character(scalar)) + "b"
            let control = value < 0x20 || (0x7F...0x9F).contains(value)
            #expect((TextRule.singleLine.forbidden(in: text) != nil) == (control && value != 0x09), "U+\(value)")
            #expect((TextRule.multiLine.forbidden(in: text) != nil) == (control && ![0x09, 0x0A, 0x0D].contains(value)), "U+\(value)")
        }
    }
}
