import RulesEngine
import Testing

struct TerminalTextTests {
    @Test(arguments: [
        ("plain Sundhed og Omsorg æøå", "plain Sundhed og Omsorg æøå"),
        ("\u{1B}]0;pwned\u{07}IT", "\\e]0;pwned\\x07IT"),
        ("IT\nAAK-SCR-2026-999  approved", "IT\\nAAK-SCR-2026-999  approved"),
        ("a\rb\tc\u{7F}", "a\\rb\\tc\\x7F"),
        ("\u{9B}31m", "\\u{9B}31m"),
        ("abc\u{202E}txt.exe", "abc\\u{202E}txt.exe"),
        ("back\\slash", "back\\\\slash"),
    ])
    func controlCharactersArePrintedAsEscapes(input: String, expected: String) {
        #expect(TerminalText.escaped(input) == expected)
    }

    @Test func noControlCharacterSurvivesAnyInput() {
        for value in UInt32(0)...0x2100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let out = TerminalText.escaped("x" + String(Character(scalar)) + "y")
            #expect(!out.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }, "U+\(String(value, radix: 16))")
        }
        #expect(TerminalText.escaped("a\nb", keepNewlines: true) == "a\nb")
    }
}
