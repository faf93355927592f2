/// Byte scans on the JSON hot paths, eight bytes at a time where the bytes are plain.
///
/// A screening's verdicts run to tens of kilobytes of mostly ASCII text that the workers write and the broker
/// checks on every request, so these loops decide much of the cost per screening.
enum ByteScanning {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any of the eight bytes is below `n` (n ≤ 128); exact, not just likely.
    @inline(__always) private static func hasByteBelow(_ word: UInt64, _ n: UInt64) -> Bool {
        (word &- ones &* n) & ~word & highs != 0
    }

    /// Whether any of the eight bytes equals `byte`.
    @inline(__always) private static func hasByte(_ word: UInt64, _ byte: UInt64) -> Bool {
        let x = word ^ (ones &* byte)
        return (x &- ones) & ~x & highs != 0
    }

    /// The index of the first byte at or after `start` that a JSON string cannot hold as it is — `"`, `\` or a
    /// control character below 0x20 — or `end` when there is none.
    @inline(__always) static func firstSpecialInString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var i = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if hasByteBelow(word, 0x20) || hasByte(word, 0x22) || hasByte(word, 0x5C) { break }
                i += 8
            }
        }
        while i < end {
            let byte = bytes[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return i }
            i += 1
        }
        return end
    }

    /// Whether `bytes` are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
    /// U+10FFFF), with ASCII runs checked eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var i = 0
        @inline(__always) func continuation(_ at: Int) -> Bool { base[at] & 0xC0 == 0x80 }
        while i < count {
            if i + 8 <= count, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & highs == 0 {
                i += 8
                continue
            }
            let lead = base[i]
            if lead < 0x80 {
                i += 1
            } else if lead < 0xC2 {
                return false  // a continuation byte, or an overlong two-byte form
            } else if lead < 0xE0 {
                guard i + 1 < count, continuation(i + 1) else { return false }
                i += 2
            } else if lead < 0xF0 {
                guard i + 2 < count, continuation(i + 2) else { return false }
                let second = base[i + 1]
                switch lead {
                case 0xE0: guard (0xA0...0xBF).contains(second) else { return false }  // overlong
                case 0xED: guard (0x80...0x9F).contains(second) else { return false }  // surrogates
                default: guard continuation(i + 1) else { return false }
                }
                i += 3
            } else if lead < 0xF5 {
                guard i + 3 < count, continuation(i + 2), continuation(i + 3) else { return false }
                let second = base[i + 1]
                switch lead {
                case 0xF0: guard (0x90...0xBF).contains(second) else { return false }  // overlong
                case 0xF4: guard (0x80...0x8F).contains(second) else { return false }  // above U+10FFFF
                default: guard continuation(i + 1) else { return false }
                }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}
