/// Shared checks for the common message prefix `[empty, header, command, fields…]`.
struct Envelope {
    /// The command byte.
    let command: UInt8
    /// The frames after the command frame.
    let fields: ArraySlice<[UInt8]>

    /// Frame numbers in error messages count from 0 at the delimiter, as in docs/PROTOCOL.md.
    static let firstFieldFrame = 3

    /// Checks the delimiter, header and command frames.
    /// - Throws: ``WireError`` with code missingFrames, missingDelimiter, unknownProtocol or malformedFrames.
    init(frames: [[UInt8]], header: [UInt8]) throws(WireError) {
        guard let delimiter = frames.first else {
            throw WireError(code: .missingFrames, message: "no frames")
        }
        guard delimiter.isEmpty else {
            throw WireError(code: .missingDelimiter, message: "frame 0 must be the empty delimiter frame")
        }
        guard frames.count >= 2 else {
            throw WireError(code: .missingFrames, message: "frame 1 (protocol header) is missing")
        }
        guard frames[1] == header else {
            throw WireError(
                code: .unknownProtocol,
                message: "frame 1 must be the protocol header \(String(decoding: header, as: UTF8.self))"
            )
        }
        guard frames.count >= 3 else {
            throw WireError(code: .missingFrames, message: "frame 2 (command) is missing")
        }
        guard frames[2].count == 1 else {
            throw WireError(code: .malformedFrames, message: "frame 2 (command) must be exactly one byte")
        }
        self.command = frames[2][0]
        self.fields = frames[3...]
    }

    /// The field frames, after checking their number.
    /// - Parameters:
    ///   - allowed: The permitted numbers of field frames.
    ///   - command: The command name, for messages.
    /// - Throws: ``WireError`` with code missingFrames or extraFrames.
    func fields(count allowed: ClosedRange<Int>, command name: String) throws(WireError) -> [[UInt8]] {
        if fields.count < allowed.lowerBound {
            throw WireError(
                code: .missingFrames,
                message: "\(name) needs \(Self.frameCount(allowed)) frames, got \(Self.firstFieldFrame + fields.count)"
            )
        }
        if fields.count > allowed.upperBound {
            throw WireError(
                code: .extraFrames,
                message: "\(name) allows \(Self.frameCount(allowed)) frames, got \(Self.firstFieldFrame + fields.count)"
            )
        }
        return Array(fields)
    }

    private static func frameCount(_ fields: ClosedRange<Int>) -> String {
        let lower = firstFieldFrame + fields.lowerBound
        let upper = firstFieldFrame + fields.upperBound
        return lower == upper ? "\(lower)" : "\(lower) to \(upper)"
    }

    /// The frames of a message: delimiter, header, command and fields.
    static func encode(header: [UInt8], command: UInt8, fields: [[UInt8]]) -> [[UInt8]] {
        [[], header, [command]] + fields
    }
}

/// Decodes a UTF-8 text frame.
/// - Throws: ``WireError/Code/invalidText`` for invalid UTF-8.
func decodeText(_ bytes: [UInt8]) throws(WireError) -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw WireError(code: .invalidText, message: "text must be valid UTF-8")
    }
    return text
}

extension UInt8 {
    /// Printable ASCII without space: `!` (0x21) through `~` (0x7E).
    var isVisibleASCII: Bool { (0x21...0x7E).contains(self) }
    /// `a`–`z`.
    var isLowercaseASCIILetter: Bool { (0x61...0x7A).contains(self) }
    /// `0`–`9`.
    var isASCIIDigit: Bool { (0x30...0x39).contains(self) }
}

/// Runs a field parser, prefixing its error message with the frame number and field name.
func field<Value>(
    _ frame: Int,
    _ name: String,
    _ parse: @autoclosure () throws(WireError) -> Value
) throws(WireError) -> Value {
    do throws(WireError) {
        return try parse()
    } catch {
        var located = error
        located.message = "frame \(frame) (\(name)): \(error.message)"
        throw located
    }
}
