import Dispatch
import Synchronization
import ZeroMQ

/// The UTF-8 bytes of a string.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

extension ZMQSocket {
    /// Waits up to `milliseconds` for a message by polling (never sleeping); `nil` when none arrived.
    func receiveWithin(milliseconds: Int = 5_000) throws -> [[UInt8]]? {
        var poller = ZMQPoller()
        let token = poller.add(self)
        guard try poller.poll(timeoutMilliseconds: milliseconds).isReadable(token) else {
            return nil
        }
        return try receiveMultipart(flags: .dontWait)
    }

    /// Binds to a free loopback TCP port and returns the real endpoint.
    func bindLoopback() throws -> String {
        try bind("tcp://127.0.0.1:*")
        return try lastEndpoint
    }
}

/// Work running on a Dispatch worker thread (not the Swift concurrency pool), so it may block.
final class Background: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        DispatchQueue.global().async { [done] in
            body()
            done.signal()
        }
    }

    /// Waits for the work to finish; `false` if it is still running after `seconds`.
    func wait(seconds: Double = 10) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }
}

/// A value shared between a test and its background threads.
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        storage = Mutex(value)
    }

    var value: Value {
        storage.withLock { $0 }
    }

    func update(_ body: (inout Value) -> Void) {
        storage.withLock { body(&$0) }
    }
}
