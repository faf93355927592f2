import Testing

@testable import RulesEngine

/// The eight-bytes-at-a-time scans against the obvious byte-by-byte answers (and the standard library's UTF-8
/// validation), at every offset, so that both the word loop and the tail loop are covered.
struct ByteScanningTests {
    static func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { ByteScanning.isValidUTF8($0) } }
    static func reference(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }

    @Test func everyOneAndTwoByteSequenceIsJudgedAsTheStandardLibraryDoes() {
        var mismatches: [[UInt8]] = []
        for a in 0...255 {
            let one = [UInt8(a)]
            if Self.valid(one) != Self.reference(one) { mismatches.append(one) }
            for b in 0...255 {
                let two = [UInt8(a), UInt8(b)]
                if Self.valid(two) != Self.reference(two) { mismatches.append(two) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func threeAndFourByteSequencesAtTheirBoundariesAreJudgedAsTheStandardLibraryDoes() {
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF]
        var mismatches: [[UInt8]] = []
        for lead in 0xE0...0xFF {
            for second in 0...255 {
                for third in edges {
                    let three = [UInt8(lead), UInt8(second), third]
                    if Self.valid(three) != Self.reference(three) { mismatches.append(three) }
                    for fourth in edges {
                        let four = three + [fourth]
                        if Self.valid(four) != Self.reference(four) { mismatches.append(four) }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func aBadByteIsFoundAtAnyOffsetInALongASCIIRun() {
        let bad: [[UInt8]] = [[0x80], [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]]
        let good: [[UInt8]] = [[0xC3, 0xA6], [0xE2, 0x80, 0x93], [0xF0, 0x9F, 0x98, 0x80]]
        for length in 0..<40 {
            let ascii = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(Self.valid(ascii))
            for offset in 0...length {
                for sequence in bad {
                    let text = Array(ascii[..<offset]) + sequence + Array(ascii[offset...])
                    #expect(!Self.valid(text), "\(sequence) at \(offset) of \(length)")
                }
                for sequence in good {
                    let text = Array(ascii[..<offset]) + sequence + Array(ascii[offset...])
                    #expect(Self.valid(text), "\(sequence) at \(offset) of \(length)")
                }
            }
        }
    }

    @Test func randomBytesAreJudgedAsTheStandardLibraryDoes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<24, using: &generator)
            // Mostly ASCII with some high bytes, so that valid multi-byte characters happen too.
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0x20...0x7E, using: &generator) : UInt8.random(in: 0x80...0xF5, using: &generator)
            }
            #expect(Self.valid(bytes) == Self.reference(bytes), "\(bytes)")
        }
    }

    @Test func theFirstByteAStringCannotHoldIsFoundAtAnyOffset() {
        let plain: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, UInt8(ascii: "a")]
        let special: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x22, 0x5C]
        for length in 0..<40 {
            for filler in plain {
                let text = [UInt8](repeating: filler, count: length)
                #expect(text.withUnsafeBufferPointer { ByteScanning.firstSpecialInString($0, from: 0, to: length) } == length, "\(filler) × \(length)")
                for offset in 0..<length {
                    for byte in special {
                        var marked = text
                        marked[offset] = byte
                        for start in [0, offset / 2, offset] {
                            let found = marked.withUnsafeBufferPointer { ByteScanning.firstSpecialInString($0, from: start, to: length) }
                            #expect(found == offset, "\(byte) at \(offset) of \(length), from \(start), filler \(filler)")
                        }
                    }
                }
            }
        }
    }

    @Test func writingAndScanningStringsWithEveryKindOfEscapeRoundTrips() throws {
        for text in ["", "plain", "æøå – \u{1F600}", "a\"b\\c\nd\re\tf\u{01}g\u{1F}", String(repeating: "x", count: 17) + "\"" + String(repeating: "y", count: 9)] {
            var writer = JSONWriter()
            writer.writeString(text)
            #expect(try JSONParser().parse(writer.bytes) == .string(text))
            let object = Array("{\"k\":".utf8) + writer.bytes + Array("}".utf8)
            #expect(try JSONParser().member("k", in: object) == .string(text))
        }
    }
}
