internal import CZeroMQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension ZMQSocket {
    /// Sends one message made of one or more frames (`zmq_send` with `ZMQ_SNDMORE` on all but the last frame).
    ///
    /// Delivery is atomic: peers get all frames or none. Once the first frame is queued the rest never block, so
    /// a ``ZMQError/again`` always means nothing was sent. Each frame is copied.
    /// - Parameters:
    ///   - frames: The frames, in order; each may be empty. There must be at least one frame.
    ///   - flags: ``ZMQMessageFlags/dontWait`` to fail instead of blocking.
    /// - Throws: ``ZMQError/again`` with `dontWait` when the high-water mark is reached (or when the send timeout
    ///   expires); ``ZMQError/hostUnreachable`` from a ROUTER with ``ZMQSocketOption/routerMandatory`` when no peer
    ///   has the identity in the first frame; ``ZMQError/invalidArgument`` for an empty frame list;
    ///   ``ZMQError/terminated`` after ``ZMQContext/shutdown()``.
    public func send(_ frames: [[UInt8]], flags: ZMQMessageFlags = []) throws(ZMQError) {
        let handle = try open("zmq_send")
        guard !frames.isEmpty else {
            throw ZMQError(errno: EINVAL, operation: "zmq_send")
        }
        let lastIndex = frames.count - 1
        for (index, frame) in frames.enumerated() {
            let frameFlags = index == lastIndex ? flags.rawValue : flags.rawValue | ZMQ_SNDMORE
            let sent = frame.withUnsafeBytes { bytes in
                zmq_send(handle, bytes.baseAddress, bytes.count, frameFlags)
            }
            guard sent >= 0 else {
                throw ZMQError.last("zmq_send")
            }
        }
    }

    /// Receives one whole message, all its frames (`zmq_msg_recv` until `ZMQ_RCVMORE` is clear).
    ///
    /// **No message is not an error:** the method returns `nil` when libzmq reports `EAGAIN` before the first
    /// frame, that is when `flags` contains ``ZMQMessageFlags/dontWait`` and nothing is queued, or when the
    /// ``ZMQSocketOption/receiveTimeout`` expires. Every other failure throws.
    /// - Parameter flags: ``ZMQMessageFlags/dontWait`` to return at once.
    /// - Returns: The frames, in order, or `nil` if no message was available.
    /// - Throws: ``ZMQError/terminated`` after ``ZMQContext/shutdown()``, ``ZMQError/interrupted`` when a signal
    ///   interrupts a blocking wait, ``ZMQError/notSupported`` on a socket type that cannot receive.
    public func receiveMultipart(flags: ZMQMessageFlags = []) throws(ZMQError) -> [[UInt8]]? {
        var unused: String?
        return try receiveMultipart(flags: flags, userID: &unused, readUserID: false)
    }

    /// Like ``receiveMultipart(flags:)``, and also the message's `User-Id` property: the name a ZAP handler gave
    /// the authenticated peer (RFC 27), nil when the connection has none (NULL mechanism without ZAP, `inproc`).
    /// - Parameter flags: ``ZMQMessageFlags/dontWait`` to return at once.
    /// - Returns: The frames and the peer's User-Id, or `nil` if no message was available.
    public func receiveMessage(flags: ZMQMessageFlags = []) throws(ZMQError) -> (frames: [[UInt8]], userID: String?)? {
        var userID: String?
        guard let frames = try receiveMultipart(flags: flags, userID: &userID, readUserID: true) else { return nil }
        return (frames, userID)
    }

    private func receiveMultipart(flags: ZMQMessageFlags, userID: inout String?, readUserID: Bool) throws(ZMQError) -> [[UInt8]]? {
        let handle = try open("zmq_msg_recv")
        // A heap zmq_msg_t: libzmq may keep small payloads inside it, so its address must not change.
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        zmq_msg_init(message)
        defer { zmq_msg_close(message) }

        var frames: [[UInt8]] = []
        while true {
            guard zmq_msg_recv(message, handle, flags.rawValue) >= 0 else {
                let error = ZMQError.last("zmq_msg_recv")
                if frames.isEmpty && error.errno == EAGAIN {
                    return nil
                }
                throw error
            }
            let size = zmq_msg_size(message)
            if size > 0, let data = zmq_msg_data(message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(message) == 0 {
                // The last frame came from the peer itself (a ROUTER's first frame is made locally).
                if readUserID, let property = zmq_msg_gets(message, "User-Id") {
                    let text = String(cString: property)
                    userID = text.isEmpty ? nil : text
                }
                return frames
            }
        }
    }
}
