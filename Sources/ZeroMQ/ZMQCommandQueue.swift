import Synchronization

/// A queue through which any thread posts commands to a socket-owning thread, waking its poll.
///
/// ```swift
/// // any thread:
/// queue.post(.send(frames))
/// // the owning thread, after `poller.add(queue.wakeup)` reported readable:
/// for command in queue.drain() { … }
/// ```
///
/// Commands come out in the order they were posted.
public final class ZMQCommandQueue<Command: Sendable>: Sendable {
    private let pending: Mutex<[Command]>
    /// The wakeup the owning thread's ``ZMQPoller`` watches.
    public let wakeup: ZMQWakeup

    /// Creates an empty queue.
    /// - Throws: ``ZMQError`` if the wake pipe cannot be created.
    public init() throws(ZMQError) {
        self.pending = Mutex([])
        self.wakeup = try ZMQWakeup()
    }

    /// Appends a command and wakes the owning thread. Safe from any thread; never blocks on I/O.
    /// - Parameter command: The command.
    public func post(_ command: Command) {
        pending.withLock { $0.append(command) }
        wakeup.wake()
    }

    /// Takes every posted command, oldest first, and clears the wake. Call it on the owning thread.
    /// - Returns: The commands; empty when a wake raced with an earlier drain.
    public func drain() -> [Command] {
        wakeup.drain()
        return pending.withLock { pending in
            let commands = pending
            pending.removeAll()
            return commands
        }
    }
}
