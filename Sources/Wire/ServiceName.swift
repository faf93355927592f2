/// The name of a broker service, such as `screen`, `pack.gdpr` or `mmi.service`.
///
/// 1 to 64 bytes of lower-case ASCII letters, digits, `.`, `-` and `_`, starting with a letter or digit.
public struct ServiceName: Hashable, Sendable, CustomStringConvertible {
    /// The longest service name, in bytes.
    public static let maxLength = 64

    /// The service name as text.
    public let rawValue: String

    /// Validates a service name.
    /// - Parameter rawValue: The name.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidService``.
    public init(_ rawValue: String) throws(WireError) {
        try self.init(bytes: Array(rawValue.utf8))
    }

    /// Validates a service frame.
    /// - Parameter bytes: The frame.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidService``.
    public init(bytes: [UInt8]) throws(WireError) {
        guard
            (1...Self.maxLength).contains(bytes.count),
            let first = bytes.first, first.isLowercaseASCIILetter || first.isASCIIDigit,
            bytes.allSatisfy({ $0.isLowercaseASCIILetter || $0.isASCIIDigit || Self.punctuation.contains($0) })
        else {
            throw WireError(
                code: .invalidService,
                message: "a service name must be 1 to \(Self.maxLength) bytes of a-z, 0-9, '.', '-', '_', "
                    + "starting with a letter or digit"
            )
        }
        self.rawValue = String(decoding: bytes, as: UTF8.self)
    }

    private init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    private static let punctuation: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_")]

    /// The service frame.
    public var bytes: [UInt8] { Array(rawValue.utf8) }

    /// The name text.
    public var description: String { rawValue }

    /// `screen`: every configured pack, combined into one verdict.
    public static let screen = ServiceName(unchecked: "screen")
    /// `mmi.service`: asks whether a service has workers (optional for brokers).
    public static let mmiService = ServiceName(unchecked: "mmi.service")
    /// `mmi.packs`: the active revision (version, digest) of every pack and its registered workers.
    public static let mmiPacks = ServiceName(unchecked: "mmi.packs")
    /// `verdict.get`: the stored verdict of an earlier request, by id (body `{"request_id": "…"}`).
    public static let verdictGet = ServiceName(unchecked: "verdict.get")
    /// `admin.deploy`: make the pack in the body (a pack bundle) the active revision, once it loads and its test
    /// cases pass (an admin service, §10.7).
    public static let adminDeploy = ServiceName(unchecked: "admin.deploy")
    /// `admin.rollback`: make an earlier revision of a pack active again, from the journal's copy (§10.7).
    public static let adminRollback = ServiceName(unchecked: "admin.rollback")

    /// Whether this is one of the broker's admin services.
    public var isAdmin: Bool { self == .adminDeploy || self == .adminRollback }

    /// The service of one rule pack: `pack.<id>`.
    /// - Parameter id: The pack id, such as `gdpr`.
    /// - Returns: The service name.
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidService`` if `pack.<id>` is not a valid name.
    public static func pack(_ id: String) throws(WireError) -> ServiceName {
        try ServiceName("pack." + id)
    }

    /// The pack id when this is a `pack.<id>` service, else `nil`.
    public var packID: String? {
        guard rawValue.hasPrefix("pack."), rawValue.count > 5 else { return nil }
        return String(rawValue.dropFirst(5))
    }
}
