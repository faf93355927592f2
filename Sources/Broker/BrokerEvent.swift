/// A line for the operator's log: what happened and to whom, by name (pack, principal, request id, reason) —
/// never a request body or evidence value.
public struct BrokerEvent: Sendable, Hashable {
    /// What happened, e.g. `worker-refused`.
    public var name: String
    /// Its facts, printed in key order.
    public var fields: [String: String]

    public init(_ name: String, _ fields: [String: String] = [:]) {
        self.name = name
        self.fields = fields
    }
}
