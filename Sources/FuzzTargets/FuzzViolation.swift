/// A broken promise found by a fuzz target: something that must hold for every input did not. The libFuzzer
/// executables trap on it (so libFuzzer keeps the input); the corpus replay test reports it.
public struct FuzzViolation: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// What a decoder did with one input.
public enum FuzzOutcome: Hashable, Sendable {
    /// The input was accepted.
    case decoded
    /// The input was refused with the decoder's typed error (its code, or a short reason).
    case rejected(String)
}
