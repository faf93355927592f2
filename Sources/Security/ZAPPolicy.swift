/// Which keys may connect where: the pure decision behind ``ZAPHandler`` (RFC 27), tested without sockets.
///
/// Each broker endpoint sends its own ZAP domain. Only CURVE is accepted; the key must be in the ring under a
/// role that belongs on that endpoint; a peer-chosen routing id stays bound to the first key that used it, so no
/// other key can take over a connection's replies.
public struct ZAPPolicy: Sendable {
    /// The ZAP domains of the broker's three endpoints.
    public enum Domain: String, Sendable, CaseIterable {
        case client = "aiscreen.client"
        case worker = "aiscreen.worker"
        case feed = "aiscreen.feed"

        func allows(_ role: Role) -> Bool {
            switch self {
            case .client: role.isClientRole
            case .worker: role == .worker
            case .feed: role == .subscriber
            }
        }
    }

    /// What one ZAP request asked.
    public struct Request: Sendable, Hashable {
        public var domain: String
        public var address: String
        /// The routing id the peer set (empty when libzmq makes one).
        public var routingID: [UInt8]
        public var mechanism: String
        /// The client's public key (Z85) for CURVE.
        public var publicKey: String?

        public init(domain: String, address: String, routingID: [UInt8], mechanism: String, publicKey: String?) {
            self.domain = domain
            self.address = address
            self.routingID = routingID
            self.mechanism = mechanism
            self.publicKey = publicKey
        }
    }

    public enum Decision: Sendable, Hashable {
        case allow(Principal)
        case deny(String)
    }

    /// Routing ids that peers chose, and the key that first used each.
    private var boundRoutingIDs: [[UInt8]: Principal] = [:]
    /// Bound routing ids are kept for at most this many peers (oldest forgotten first).
    public static let maxBoundRoutingIDs = 100_000
    private var bindingOrder: [[UInt8]] = []

    public init() {}

    /// Decides one request against the keys in `ring`.
    public mutating func decide(_ request: Request, ring: KeyRing) -> Decision {
        guard let domain = Domain(rawValue: request.domain) else { return .deny("unknown ZAP domain '\(request.domain)'") }
        guard request.mechanism == "CURVE", let key = request.publicKey else {
            return .deny("mechanism \(request.mechanism) is not allowed; use CURVE")
        }
        let principals = ring.principals(for: key)
        guard !principals.isEmpty else { return .deny("unknown key") }
        // The strongest role the key has on this endpoint.
        let order: [Role] = [.admin, .auditor, .client, .worker, .subscriber]
        guard let principal = order.lazy.compactMap({ role in principals.first { $0.role == role } }).first(where: { domain.allows($0.role) }) else {
            return .deny("a \(principals.map(\.role.rawValue).joined(separator: "/")) key may not connect to the \(domain == .feed ? "feed" : domain == .worker ? "worker" : "client") endpoint")
        }
        if !request.routingID.isEmpty {
            if let owner = boundRoutingIDs[request.routingID], owner != principal {
                return .deny("routing id already used by another key")
            }
            if boundRoutingIDs[request.routingID] == nil {
                boundRoutingIDs[request.routingID] = principal
                bindingOrder.append(request.routingID)
                if bindingOrder.count > Self.maxBoundRoutingIDs {
                    boundRoutingIDs[bindingOrder.removeFirst()] = nil
                }
            }
        }
        return .allow(principal)
    }
}
