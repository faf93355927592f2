import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct ZMQMaxMessageSizeTests {
    @Test func anOversizedFrameDisconnectsThePeerUndeliveredWhileALaterPeerStillWorks() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.set(.maxMessageSize, to: 1_024)
        try router.monitor("inproc://router-monitor", events: [.disconnected])
        let monitor = try context.socket(.pair)
        try monitor.connect("inproc://router-monitor")
        let endpoint = try router.bindLoopback()

        let oversized = try context.socket(.dealer)
        try oversized.set(.linger, to: 0)
        try oversized.set(.reconnectInterval, to: -1)
        try oversized.set(.routingID, to: bytes("oversized"))
        try oversized.connect(endpoint)
        try oversized.send([[UInt8](repeating: 7, count: 1_025)])

        let event = try #require(try monitor.receiveWithin().flatMap(ZMQMonitorEvent.init(frames:)))
        #expect(event.kind == .disconnected)
        #expect(event.endpoint.hasPrefix("tcp://127.0.0.1:"))

        let normal = try context.socket(.dealer)
        try normal.set(.linger, to: 0)
        try normal.set(.routingID, to: bytes("normal"))
        try normal.connect(endpoint)
        try normal.send([[UInt8](repeating: 1, count: 1_024)])

        let received = try #require(try router.receiveWithin())
        #expect(received == [bytes("normal"), [UInt8](repeating: 1, count: 1_024)])
        #expect(try router.receiveMultipart(flags: .dontWait) == nil)
    }

    @Test func theLimitAppliesToEachFrameNotToTheWholeMessage() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.set(.maxMessageSize, to: 1_024)
        let endpoint = try router.bindLoopback()
        let dealer = try context.socket(.dealer)
        try dealer.set(.linger, to: 0)
        try dealer.set(.routingID, to: bytes("d"))
        try dealer.connect(endpoint)

        let frames = Array(repeating: [UInt8](repeating: 2, count: 1_000), count: 4)
        try dealer.send(frames)
        #expect(try router.receiveWithin() == [bytes("d")] + frames)
    }
}
