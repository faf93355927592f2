/// How a fuzz input becomes a list of ZeroMQ frames: the bytes split at every ``separator``.
///
/// `0xFE` never occurs in UTF-8, so every text a frame can carry (ids, service names, JSON bodies, messages) can
/// be written; an empty input is no frames; `0xFE` alone is two empty frames.
public enum FrameInput {
    public static let separator: UInt8 = 0xFE

    /// The frames of a fuzz input.
    public static func frames(_ input: [UInt8]) -> [[UInt8]] {
        guard !input.isEmpty else { return [] }
        return input.split(separator: separator, omittingEmptySubsequences: false).map(Array.init)
    }

    /// The fuzz input of a list of frames (for seeding the corpus); frames must not contain ``separator``.
    public static func input(_ frames: [[UInt8]]) -> [UInt8] {
        Array(frames.joined(separator: [separator]))
    }
}
