import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct ZMQSocketTests {
    @Test func routerAndDealerRoundTripMultipartMessages() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        let endpoint = try router.bindLoopback()
        let dealer = try context.socket(.dealer)
        try dealer.set(.routingID, to: bytes("client-1"))
        try dealer.connect(endpoint)

        try dealer.send([[], bytes("AISC01"), [0x01], bytes("hello")])
        let request = try #require(try router.receiveWithin())
        #expect(request == [bytes("client-1"), [], bytes("AISC01"), [0x01], bytes("hello")])

        try router.send([bytes("client-1"), [], bytes("AISC01"), [0x03], bytes("reply")])
        let reply = try #require(try dealer.receiveWithin())
        #expect(reply == [[], bytes("AISC01"), [0x03], bytes("reply")])
    }

    @Test func emptyFramesAndOneMebibyteFramesRoundTrip() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        let endpoint = try router.bindLoopback()
        let dealer = try context.socket(.dealer)
        try dealer.set(.routingID, to: bytes("big"))
        try dealer.connect(endpoint)

        let large = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frames: [[UInt8]] = [[], large, [], [0], large.reversed()]
        try dealer.send(frames)
        let received = try #require(try router.receiveWithin())
        #expect(received == [bytes("big")] + frames)

        try router.send([bytes("big"), []])
        #expect(try dealer.receiveWithin() == [[]])
    }

    @Test func routerMandatoryThrowsHostUnreachableForAnUnknownIdentity() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.set(.routerMandatory, to: true)
        _ = try router.bindLoopback()

        let error = #expect(throws: ZMQError.self) {
            try router.send([bytes("nobody"), [], bytes("hi")], flags: .dontWait)
        }
        #expect(error.map { ZMQError.hostUnreachable ~= $0 } == true)
        #expect(error?.operation == "zmq_send")
    }

    @Test func routerWithoutMandatoryDropsMessagesForAnUnknownIdentity() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        _ = try router.bindLoopback()
        try router.send([bytes("nobody"), bytes("dropped")], flags: .dontWait)
    }

    @Test func dontWaitSendThrowsAgainInsteadOfBlockingAtTheHighWaterMark() throws {
        let context = try ZMQContext()
        let pull = try context.socket(.pull)
        try pull.set(.receiveHighWaterMark, to: 1)
        try pull.bind("inproc://hwm")
        let push = try context.socket(.push)
        try push.set(.sendHighWaterMark, to: 1)
        try push.set(.linger, to: 0)
        try push.connect("inproc://hwm")

        var sent = 0
        var reachedHighWaterMark = false
        for _ in 0..<10_000 {
            do {
                try push.send([bytes("x"), bytes("y")], flags: .dontWait)
                sent += 1
            } catch ZMQError.again {
                reachedHighWaterMark = true
                break
            } catch {
                // Swift 6.3.1 crashes (MandatoryAllocBoxToStack) without this catch-all when a `catch ZMQError.again`
                // that is not exhaustive mutates a local in a function that throws untyped errors.
                throw error
            }
        }
        #expect(reachedHighWaterMark)
        #expect(sent >= 1 && sent < 10)

        // Every queued message arrives whole; the refused one left nothing behind.
        for _ in 0..<sent {
            #expect(try pull.receiveWithin() == [bytes("x"), bytes("y")])
        }
        #expect(try pull.receiveMultipart(flags: .dontWait) == nil)
    }

    @Test func receiveReturnsNilWhenNothingIsQueued() throws {
        let context = try ZMQContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://empty")
        #expect(try pull.receiveMultipart(flags: .dontWait) == nil)

        try pull.set(.receiveTimeout, to: 10)
        #expect(try pull.receiveMultipart() == nil)
    }

    @Test func sendingNoFramesIsAnInvalidArgument() throws {
        let context = try ZMQContext()
        let push = try context.socket(.push)
        let error = #expect(throws: ZMQError.self) { try push.send([]) }
        #expect(error.map { ZMQError.invalidArgument ~= $0 } == true)
    }

    @Test func closedSocketsThrowNotSocketAndCloseTwiceIsHarmless() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.dealer)
        #expect(!socket.isClosed)
        socket.close()
        socket.close()
        #expect(socket.isClosed)
        let error = #expect(throws: ZMQError.self) { try socket.connect("inproc://x") }
        #expect(error.map { ZMQError.notSocket ~= $0 } == true)
        #expect(throws: ZMQError.self) { try socket.receiveMultipart(flags: .dontWait) }
    }

    @Test func wildcardBindReportsTheRealPortAndUnbindReleasesIt() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        let endpoint = try router.bindLoopback()
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!endpoint.hasSuffix(":*"))
        try router.unbind(endpoint)
        let error = #expect(throws: ZMQError.self) { try router.unbind(endpoint) }
        #expect(error.map { ZMQError.noEntry ~= $0 } == true)
    }

    @Test func badEndpointsThrow() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.dealer)
        let unknownTransport = #expect(throws: ZMQError.self) { try socket.bind("carrier-pigeon://x") }
        #expect(unknownTransport.map { ZMQError.protocolNotSupported ~= $0 } == true)
        let error = #expect(throws: ZMQError.self) { try socket.disconnect("tcp://127.0.0.1:1") }
        #expect(error.map { ZMQError.noEntry ~= $0 } == true)
    }
}
