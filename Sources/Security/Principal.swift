/// What a CURVE key may do: each role has its own folder under the key directory and its own endpoint.
public enum Role: String, Sendable, CaseIterable, Hashable {
    /// Submits requests (client endpoint); may fetch its own verdicts.
    case client
    /// A client that may also fetch any verdict (`verdict.get`).
    case auditor
    /// A client that may also use the broker's admin services.
    case admin
    /// Serves one pack (worker endpoint).
    case worker
    /// Reads the verdict feed (publish endpoint).
    case subscriber
    /// The broker's own key pair.
    case broker
    /// Signs rule-pack bundles (not a ZeroMQ key).
    case signer

    /// The folder under the key directory, e.g. `clients`; workers add `/<pack>`.
    public var folder: String {
        switch self {
        case .client: "clients"
        case .auditor: "auditors"
        case .admin: "admins"
        case .worker: "workers"
        case .subscriber: "subscribers"
        case .broker: "broker"
        case .signer: "signers"
        }
    }

    /// Whether keys of this role connect to the client endpoint.
    public var isClientRole: Bool { self == .client || self == .auditor || self == .admin }
}

/// An authenticated peer: the role and name of its CURVE key (and the pack, for a worker). Its ``userID`` is what
/// the ZAP handler hands libzmq, what the broker reads back from every message, and what the journal records.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    public var role: Role
    public var name: String
    /// The pack a worker key serves; nil for other roles.
    public var pack: String?

    public init(role: Role, name: String, pack: String? = nil) {
        self.role = role
        self.name = name
        self.pack = role == .worker ? pack : nil
    }

    /// `client:NAME`, `worker:PACK:NAME`, …
    public var userID: String {
        if let pack { return "\(role.rawValue):\(pack):\(name)" }
        return "\(role.rawValue):\(name)"
    }

    public var description: String { userID }

    /// Parses a ``userID``.
    public init?(userID: String) {
        let parts = userID.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let role = Role(rawValue: first) else { return nil }
        if role == .worker {
            guard parts.count == 3, Self.isValidName(parts[1]), Self.isValidName(parts[2]) else { return nil }
            self.init(role: role, name: parts[2], pack: parts[1])
        } else {
            guard parts.count == 2, Self.isValidName(parts[1]) else { return nil }
            self.init(role: role, name: parts[1])
        }
    }

    /// A key name or pack id: 1-64 of `a-z`, `0-9`, `.`, `_`, `-`, starting with a letter or digit (so it is a
    /// file name, a log field and a journal value without quoting).
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first, isLowerAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
