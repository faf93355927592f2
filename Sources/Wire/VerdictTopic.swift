/// The topic frame of a verdict published on the broker's PUB socket: `verdict.<verdict>.<department>` for the full
/// result, `summary.<verdict>.<department>` for its summary (docs/PROTOCOL.md §6).
///
/// Subscribe with a prefix that ends in `.`, such as `verdict.rejected.` (``subscriptionPrefix(for:)``):
/// `verdict.approved` alone would also match `verdict.approved-with-conditions.…`.
public struct VerdictTopic: Hashable, Sendable, CustomStringConvertible {
    /// The verdict values of protocol version 1.
    public enum Verdict: String, CaseIterable, Hashable, Sendable {
        /// `approved`.
        case approved
        /// `approved-with-conditions`.
        case approvedWithConditions = "approved-with-conditions"
        /// `needs-review`.
        case needsReview = "needs-review"
        /// `rejected`.
        case rejected
    }

    /// The detail level a message carries, the topic's first part.
    public enum Detail: String, CaseIterable, Hashable, Sendable {
        /// `verdict.`: the full combined result.
        case full = "verdict"
        /// `summary.`: its summary.
        case summary
    }

    /// The combined verdict.
    public let verdict: Verdict
    /// The detail level.
    public let detail: Detail
    /// The normalised department (see ``normalizedDepartment(_:)``); never empty and never contains `.`.
    public let department: String

    /// Creates a topic, normalising the department.
    /// - Parameters:
    ///   - verdict: The combined verdict.
    ///   - department: The request's department as given, or `nil` if it had none.
    ///   - detail: The detail level of the message.
    public init(verdict: Verdict, department: String?, detail: Detail = .full) {
        self.verdict = verdict
        self.detail = detail
        self.department = Self.normalizedDepartment(department)
    }

    /// Parses a topic frame, which must be in canonical form.
    /// - Parameter bytes: The first frame of a published message.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidTopic``.
    public init(bytes: [UInt8]) throws(WireError) {
        let invalid = WireError(
            code: .invalidTopic,
            message: "a topic must be verdict.<verdict>.<normalised department> or summary.<verdict>.<normalised department>"
        )
        guard let text = String(validating: bytes, as: UTF8.self) else { throw invalid }
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard
            parts.count == 3, let detail = Detail(rawValue: String(parts[0])),
            let verdict = Verdict(rawValue: String(parts[1])),
            Self.normalizedDepartment(String(parts[2])) == parts[2]
        else { throw invalid }
        self.verdict = verdict
        self.detail = detail
        self.department = String(parts[2])
    }

    /// The topic text, such as `verdict.rejected.børn-og-unge`.
    public var description: String { "\(detail.rawValue).\(verdict.rawValue).\(department)" }

    /// The topic frame (UTF-8).
    public var bytes: [UInt8] { Array(description.utf8) }

    /// The subscription prefix for one verdict (`verdict.rejected.`), or for all verdicts (`verdict.`); with
    /// `detail: .summary`, `summary.rejected.` and `summary.`.
    /// - Parameters:
    ///   - verdict: The verdict, or `nil` for all.
    ///   - detail: The detail level.
    /// - Returns: The prefix, ending in `.`.
    public static func subscriptionPrefix(for verdict: Verdict?, detail: Detail = .full) -> String {
        verdict.map { "\(detail.rawValue).\($0.rawValue)." } ?? "\(detail.rawValue)."
    }

    /// Normalises a department for a topic:
    ///
    /// 1. Strip ASCII whitespace (space, `\t`, `\n`, `\u{0B}`, `\u{0C}`, `\r`) from both ends.
    /// 2. Lower-case each code point on its own with Unicode's default full lowercase mapping, without
    ///    context-sensitive rules (Swift `lowercased()`; in Python `"".join(c.lower() for c in s)`, because
    ///    `str.lower()` applies the Greek final-sigma rule).
    /// 3. Replace every remaining ASCII whitespace character and every `.` with `-`.
    /// 4. If the result is empty (or the department is missing), use `unknown`.
    ///
    /// - Parameter department: The department as given in the request, or `nil`.
    /// - Returns: The normalised department, such as `børn-og-unge`.
    public static func normalizedDepartment(_ department: String?) -> String {
        let scalars = Array((department ?? "").unicodeScalars)
        guard
            let first = scalars.firstIndex(where: { !asciiWhitespace.contains($0) }),
            let last = scalars.lastIndex(where: { !asciiWhitespace.contains($0) })
        else { return "unknown" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        var normalized = String.UnicodeScalarView()
        for scalar in String(trimmed).lowercased().unicodeScalars {
            normalized.append(asciiWhitespace.contains(scalar) || scalar == "." ? "-" : scalar)
        }
        return String(normalized)
    }

    private static let asciiWhitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r"]
}
