import Testing
import ZeroMQ

struct ZMQSocketOptionTests {
    @Test func optionsReadBackWhatWasSet() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.dealer)
        try socket.set(.linger, to: 0)
        try socket.set(.sendHighWaterMark, to: 7)
        try socket.set(.receiveHighWaterMark, to: 9)
        try socket.set(.maxMessageSize, to: 1 << 20)
        try socket.set(.routingID, to: bytes("worker-7"))
        try socket.set(.receiveTimeout, to: 250)
        try socket.set(.sendTimeout, to: 125)
        try socket.set(.immediate, to: true)
        try socket.set(.tcpKeepalive, to: 1)
        try socket.set(.tcpKeepaliveIdle, to: 30)
        try socket.set(.tcpKeepaliveInterval, to: 5)
        try socket.set(.tcpKeepaliveCount, to: 3)
        try socket.set(.heartbeatInterval, to: 1_000)
        try socket.set(.heartbeatTimeout, to: 3_000)
        try socket.set(.heartbeatTTL, to: 5_000)
        try socket.set(.reconnectInterval, to: 50)
        try socket.set(.reconnectIntervalMax, to: 2_000)
        try socket.set(.connectTimeout, to: 400)

        #expect(try socket.get(.linger) == 0)
        #expect(try socket.get(.sendHighWaterMark) == 7)
        #expect(try socket.get(.receiveHighWaterMark) == 9)
        #expect(try socket.get(.maxMessageSize) == 1 << 20)
        #expect(try socket.get(.routingID) == bytes("worker-7"))
        #expect(try socket.get(.receiveTimeout) == 250)
        #expect(try socket.get(.sendTimeout) == 125)
        #expect(try socket.get(.immediate) == true)
        #expect(try socket.get(.tcpKeepalive) == 1)
        #expect(try socket.get(.tcpKeepaliveIdle) == 30)
        #expect(try socket.get(.tcpKeepaliveInterval) == 5)
        #expect(try socket.get(.tcpKeepaliveCount) == 3)
        #expect(try socket.get(.heartbeatInterval) == 1_000)
        #expect(try socket.get(.heartbeatTimeout) == 3_000)
        #expect(try socket.get(.heartbeatTTL) == 5_000)
        #expect(try socket.get(.reconnectInterval) == 50)
        #expect(try socket.get(.reconnectIntervalMax) == 2_000)
        #expect(try socket.get(.connectTimeout) == 400)
        #expect(try socket.get(.fileDescriptor) >= 0)
    }

    @Test func writeOnlyAndReadOnlyOptionsThrowInvalidArgument() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.set(.routerMandatory, to: true)
        try router.set(.routerHandover, to: true)
        let readWriteOnly = #expect(throws: ZMQError.self) { try router.get(.routerMandatory) }
        #expect(readWriteOnly.map { ZMQError.invalidArgument ~= $0 } == true)
        let setReadOnly = #expect(throws: ZMQError.self) { try router.set(.lastEndpoint, to: "tcp://x") }
        #expect(setReadOnly.map { ZMQError.invalidArgument ~= $0 } == true)
    }

    @Test func subscribingANonSubscriberThrows() throws {
        let context = try ZMQContext()
        let dealer = try context.socket(.dealer)
        #expect(throws: ZMQError.self) { try dealer.subscribe("topic") }
    }

    @Test func eventsReportQueuedMessages() throws {
        let context = try ZMQContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://events")
        let push = try context.socket(.push)
        try push.connect("inproc://events")
        #expect(try !pull.events.contains(.readable))
        #expect(try push.events.contains(.writable))
        try push.send([bytes("ping")])
        #expect(try pull.receiveWithin() == [bytes("ping")])
        #expect(try !pull.events.contains(.readable))
    }

    @Test func optionsDescribeThemselvesByLibzmqName() {
        #expect(ZMQSocketOption<Int64>.maxMessageSize.description == "ZMQ_MAXMSGSIZE")
        #expect(ZMQSocketOption<[UInt8]>.routingID.description == "ZMQ_ROUTING_ID")
        #expect(ZMQSocketType.router.description == "ROUTER")
    }
}
