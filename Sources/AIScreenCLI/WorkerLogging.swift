import Logging
import Worker

extension Logger {
    /// A worker's connection events as log lines: `worker-connecting`, `worker-disconnected` (with the broker's
    /// reason), `worker-stopped` …, each with the worker's name and pack.
    func workerEvents(name: String, pack: String) -> @Sendable (PackWorker.Event) -> Void {
        let logger = self
        return { event in
            let (eventName, level): (String, Logger.Level) =
                switch event {
                case .registering(_, let attempt): (attempt == 1 ? "worker-connecting" : "worker-reconnecting", attempt == 1 ? .info : .notice)
                case .brokerSilent: ("worker-broker-silent", .warning)
                case .disconnectedByBroker: ("worker-disconnected", .notice)
                case .socketFailed: ("worker-socket-failed", .error)
                case .droppedMessage: ("worker-dropped-message", .warning)
                case .sendQueueFull: ("worker-send-queue-full", .warning)
                case .reloaded: ("worker-reloaded", .info)
                case .stopped: ("worker-stopped", .info)
                }
            logger.log(level: level, "\(eventName)", metadata: ["worker": "\(name)", "pack": "\(pack)", "detail": "\(event.description)"])
        }
    }
}
