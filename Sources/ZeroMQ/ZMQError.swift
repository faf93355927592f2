internal import CZeroMQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An error reported by libzmq (or by a system call the wrapper makes), keeping the C error number.
///
/// Match on the error number, never on the text. The static members (``again``, ``hostUnreachable``, …) work as
/// `catch` patterns; they compare only ``errno`` and ignore ``operation``:
///
/// ```swift
/// do {
///     try socket.send(frames, flags: .dontWait)
/// } catch ZMQError.again {
///     // the high-water mark is reached; try later
/// }
/// ```
public struct ZMQError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C error number (`errno`, or one of libzmq's own numbers such as `ETERM`).
    public var errno: Int32
    /// The C function that failed, such as `zmq_bind`; empty for the static pattern values.
    public var operation: String

    /// Creates an error from a C error number.
    /// - Parameters:
    ///   - errno: The C error number.
    ///   - operation: The C function that failed.
    public init(errno: Int32, operation: String = "") {
        self.errno = errno
        self.operation = operation
    }

    /// The message libzmq gives for the error number (`zmq_strerror`), which also covers system error numbers.
    public var reason: String {
        guard let text: UnsafePointer<CChar> = zmq_strerror(errno) else {
            return "unknown error"
        }
        return String(cString: text)
    }

    /// A description such as `zmq_bind: Address already in use (errno 98)`.
    public var description: String {
        let prefix = operation.isEmpty ? "" : "\(operation): "
        return "\(prefix)\(reason) (errno \(errno))"
    }

    /// Matches an error against a pattern by error number only, so `catch ZMQError.again` works with any operation.
    public static func ~= (pattern: ZMQError, value: ZMQError) -> Bool {
        pattern.errno == value.errno
    }

    /// Matches any error against a pattern: true when the error is a ``ZMQError`` with the same error number.
    public static func ~= (pattern: ZMQError, value: any Error) -> Bool {
        guard let error = value as? ZMQError else { return false }
        return pattern.errno == error.errno
    }

    /// The error libzmq set for the calling thread (`zmq_errno`), tagged with the failed operation.
    static func last(_ operation: String) -> ZMQError {
        ZMQError(errno: zmq_errno(), operation: operation)
    }
}

extension ZMQError {
    /// `EAGAIN`: a non-blocking call would block, or a send or receive timeout expired.
    public static let again = ZMQError(errno: EAGAIN)
    /// `EHOSTUNREACH`: a ROUTER with ``ZMQSocketOption/routerMandatory`` cannot route to that identity.
    public static let hostUnreachable = ZMQError(errno: EHOSTUNREACH)
    /// `ETERM`: the context was shut down or terminated.
    public static let terminated = ZMQError(errno: ETERM)
    /// `EINTR`: a signal interrupted a blocking call.
    public static let interrupted = ZMQError(errno: EINTR)
    /// `EINVAL`: an invalid argument, such as an unknown option or a malformed endpoint.
    public static let invalidArgument = ZMQError(errno: EINVAL)
    /// `EFSM`: the operation is not valid in the socket's current state (for example two sends in a row on REQ).
    public static let invalidState = ZMQError(errno: EFSM)
    /// `ENOTSUP`: the socket type does not support the operation.
    public static let notSupported = ZMQError(errno: ENOTSUP)
    /// `ENOTSOCK`: the socket is closed (or was never valid).
    public static let notSocket = ZMQError(errno: ENOTSOCK)
    /// `EPROTONOSUPPORT`: the endpoint's transport is not supported.
    public static let protocolNotSupported = ZMQError(errno: EPROTONOSUPPORT)
    /// `ENOCOMPATPROTO`: the transport does not fit the socket type.
    public static let incompatibleProtocol = ZMQError(errno: ENOCOMPATPROTO)
    /// `EADDRINUSE`: the address is already in use.
    public static let addressInUse = ZMQError(errno: EADDRINUSE)
    /// `EADDRNOTAVAIL`: the address is not local.
    public static let addressNotAvailable = ZMQError(errno: EADDRNOTAVAIL)
    /// `ENOENT`: the endpoint was not bound or connected (from unbind or disconnect).
    public static let noEntry = ZMQError(errno: ENOENT)
    /// `ENODEV`: the network interface does not exist.
    public static let noDevice = ZMQError(errno: ENODEV)
    /// `EMFILE`: the context or the process has too many sockets or files open.
    public static let tooManyOpenFiles = ZMQError(errno: EMFILE)
    /// `EMTHREAD`: no I/O thread is available.
    public static let noThread = ZMQError(errno: EMTHREAD)
}
