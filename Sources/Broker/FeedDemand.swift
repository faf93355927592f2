/// Which published topics someone subscribes to, from the subscription messages an XPUB socket receives
/// (`0x01` + prefix to subscribe, `0x00` + prefix to unsubscribe). libzmq passes a prefix's first subscription and its
/// last unsubscription only (a subscriber that disconnects unsubscribes), so the set of prefixes is exact. The broker
/// renders and sends a detail level only while a subscription matches it (docs/PROTOCOL.md §6).
struct FeedDemand: Sendable, Equatable {
    private(set) var prefixes: Set<[UInt8]> = []

    /// Applies one subscription message; anything else (an empty frame, another first byte) is ignored.
    /// - Returns: whether the set changed.
    @discardableResult
    mutating func apply(_ message: [UInt8]) -> Bool {
        guard let kind = message.first else { return false }
        let prefix = Array(message.dropFirst())
        switch kind {
        case 1: return prefixes.insert(prefix).inserted
        case 0: return prefixes.remove(prefix) != nil
        default: return false
        }
    }

    /// Whether a message with this topic reaches at least one subscriber.
    func wants(_ topic: [UInt8]) -> Bool {
        prefixes.contains { prefix in prefix.count <= topic.count && topic.starts(with: prefix) }
    }

    /// Whether a subscription could match some topic that starts with `family` (such as `summary.`): a prefix of
    /// the family, or a longer prefix inside it.
    func wantsAny(of family: [UInt8]) -> Bool {
        prefixes.contains { prefix in family.starts(with: prefix) || prefix.starts(with: family) }
    }
}
