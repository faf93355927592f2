import Testing
import Wire

/// The UTF-8 bytes of a string.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// A malformed input and the code decoding it must throw.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let frames: [[UInt8]]
    let code: WireError.Code

    init(_ name: String, _ frames: [[UInt8]], _ code: WireError.Code) {
        self.name = name
        self.frames = frames
        self.code = code
    }

    var testDescription: String { name }
}

/// SplitMix64: a small, fast, seedable generator, so that property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
