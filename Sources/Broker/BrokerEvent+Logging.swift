public import Logging

extension BrokerEvent {
    /// How loud the event is: `error` when the broker cannot do its job (an endpoint it cannot bind, a journal it
    /// cannot write or read), `warning` when a request or a peer was turned away or failed closed, `info` for the
    /// rest (workers joining and leaving, pack activation, journal recovery).
    public var level: Logger.Level {
        switch name {
        case "bind-failed", "journal-read-failed", "journal-refusing": .error
        case "failed-closed", "request-failed", "worker-violation", "worker-refused", "peer-refused", "admin-refused", "journal-behind", "feed-failed",
            "feed-unreadable":
            .warning
        default: .info
        }
    }
}

extension Logger {
    /// Logs a broker event: its name is the message, its facts the metadata.
    public func log(_ event: BrokerEvent) {
        log(level: event.level, "\(event.name)", metadata: event.fields.mapValues { .string($0) })
    }
}
