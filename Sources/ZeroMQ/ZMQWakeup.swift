import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Wakes a thread that is blocked in ``ZMQPoller/poll(timeoutMilliseconds:)`` from any other thread.
///
/// A non-blocking pipe whose read end a ``ZMQPoller`` watches (`poller.add(wakeup)`). Wakes coalesce: any
/// number of ``wake()`` calls before the next ``drain()`` leave one byte in the pipe, so it can never fill up.
/// The owning thread calls ``drain()`` when the poll reports it readable, then looks at whatever state the wakers
/// changed (usually through a ``ZMQCommandQueue``, which wraps this type).
public final class ZMQWakeup: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32
    /// Whether a byte is in the pipe. Guarding the pipe with it keeps at most one byte there.
    private let signalled: Mutex<Bool>

    /// Creates the pipe.
    /// - Throws: ``ZMQError`` with the `errno` of `pipe` or `fcntl` (for example `EMFILE`).
    public init() throws(ZMQError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw ZMQError(errno: errno, operation: "pipe")
        }
        for fd in ends {
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0, fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else {
                let error = ZMQError(errno: errno, operation: "fcntl")
                for end in ends {
                    _ = closeDescriptor(end)
                }
                throw error
            }
        }
        self.readEnd = ends[0]
        self.writeEnd = ends[1]
        self.signalled = Mutex(false)
    }

    deinit {
        _ = closeDescriptor(readEnd)
        _ = closeDescriptor(writeEnd)
    }

    /// The descriptor to poll for readability.
    public var fileDescriptor: Int32 { readEnd }

    /// Makes the descriptor readable until the next ``drain()``. Safe from any thread; never blocks.
    public func wake() {
        signalled.withLock { signalled in
            guard !signalled else { return }
            var byte: UInt8 = 1
            while write(writeEnd, &byte, 1) < 0 && errno == EINTR {}
            signalled = true
        }
    }

    /// Clears the wake so the descriptor is no longer readable. Call it on the polling thread **before** looking
    /// at the shared state, so a wake that races with the look is not lost.
    public func drain() {
        signalled.withLock { signalled in
            guard signalled else { return }
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count > 0 || (count < 0 && errno == EINTR) {
                    continue
                }
                break
            }
            signalled = false
        }
    }
}

private func closeDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}
