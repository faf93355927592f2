internal import CZeroMQ

extension ZMQSocket {
    /// Sets a socket option (`zmq_setsockopt`).
    /// - Parameters:
    ///   - option: The option, such as ``ZMQSocketOption/linger``.
    ///   - value: The new value.
    /// - Throws: ``ZMQError/invalidArgument`` for a read-only option, a value out of range or an option the socket
    ///   type does not have; ``ZMQError/notSocket`` after ``close()``.
    public func set<Value>(_ option: ZMQSocketOption<Value>, to value: Value) throws(ZMQError) {
        try setRaw(option.name, option.encode(value))
    }

    /// Reads a socket option (`zmq_getsockopt`).
    /// - Parameter option: The option, such as ``ZMQSocketOption/lastEndpoint``.
    /// - Returns: The current value.
    /// - Throws: ``ZMQError/invalidArgument`` for a write-only option; ``ZMQError/notSocket`` after ``close()``.
    public func get<Value>(_ option: ZMQSocketOption<Value>) throws(ZMQError) -> Value {
        let handle = try open("zmq_getsockopt")
        let raw: OptionRawValue
        var rc: Int32
        switch option.representation {
        case .int32:
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            rc = zmq_getsockopt(handle, option.name, &value, &size)
            raw = .int32(value)
        case .int64:
            var value: Int64 = 0
            var size = MemoryLayout<Int64>.size
            rc = zmq_getsockopt(handle, option.name, &value, &size)
            raw = .int64(value)
        case .bytes(let capacity):
            var buffer = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            rc = buffer.withUnsafeMutableBytes { zmq_getsockopt(handle, option.name, $0.baseAddress, &size) }
            raw = .bytes(Array(buffer.prefix(size)))
        }
        guard rc == 0 else {
            throw ZMQError.last("zmq_getsockopt")
        }
        return option.decode(raw)
    }

    /// The endpoint last bound (``ZMQSocketOption/lastEndpoint``), with the real port for `tcp://127.0.0.1:*`.
    public var lastEndpoint: String {
        get throws(ZMQError) { try get(.lastEndpoint) }
    }

    /// Whether the socket can receive or send right now (``ZMQSocketOption/events``).
    public var events: ZMQPollEvents {
        get throws(ZMQError) { try get(.events) }
    }

    /// Subscribes a SUB socket to messages whose first frame starts with `prefix` (`ZMQ_SUBSCRIBE`); an empty
    /// prefix subscribes to everything.
    /// - Parameter prefix: The topic prefix bytes.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket type without subscriptions.
    public func subscribe(_ prefix: [UInt8]) throws(ZMQError) {
        try setRaw(ZMQ_SUBSCRIBE, .bytes(prefix))
    }

    /// Subscribes a SUB socket to messages whose first frame starts with the UTF-8 of `prefix`.
    /// - Parameter prefix: The topic prefix, such as `verdict.rejected.`.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket type without subscriptions.
    public func subscribe(_ prefix: String) throws(ZMQError) {
        try subscribe(Array(prefix.utf8))
    }

    /// Removes one earlier subscription to the same prefix (`ZMQ_UNSUBSCRIBE`).
    /// - Parameter prefix: The topic prefix bytes.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket type without subscriptions.
    public func unsubscribe(_ prefix: [UInt8]) throws(ZMQError) {
        try setRaw(ZMQ_UNSUBSCRIBE, .bytes(prefix))
    }

    /// Removes one earlier subscription to the UTF-8 of `prefix`.
    /// - Parameter prefix: The topic prefix.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket type without subscriptions.
    public func unsubscribe(_ prefix: String) throws(ZMQError) {
        try unsubscribe(Array(prefix.utf8))
    }

    private func setRaw(_ name: Int32, _ raw: OptionRawValue) throws(ZMQError) {
        let handle = try open("zmq_setsockopt")
        let rc: Int32
        switch raw {
        case .int32(var value):
            rc = zmq_setsockopt(handle, name, &value, MemoryLayout<Int32>.size)
        case .int64(var value):
            rc = zmq_setsockopt(handle, name, &value, MemoryLayout<Int64>.size)
        case .bytes(let bytes):
            rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, name, $0.baseAddress, $0.count) }
        }
        guard rc == 0 else {
            throw ZMQError.last("zmq_setsockopt")
        }
    }
}
