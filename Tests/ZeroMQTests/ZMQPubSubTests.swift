import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct ZMQPubSubTests {
    @Test func subscribersGetOnlyMultipartMessagesWhoseTopicMatchesAPrefix() throws {
        let context = try ZMQContext()
        let publisher = try context.socket(.pub)
        try publisher.set(.linger, to: 0)
        let endpoint = try publisher.bindLoopback()
        let subscriber = try context.socket(.sub)
        try subscriber.subscribe("verdict.approved.")
        try subscriber.subscribe(bytes("sync"))
        try subscriber.connect(endpoint)

        // Subscriptions travel to the publisher in order, so once "sync" (the last one) arrives, all have.
        try #require(try synchronize(publisher, subscriber))

        let published: [[[UInt8]]] = [
            [bytes("verdict.approved.it"), bytes("1")],
            [bytes("verdict.rejected.it"), bytes("2")],
            [bytes("verdict.approved-with-conditions.hr"), bytes("3")],
            [bytes("audit.approved.it"), bytes("4")],
            [bytes("verdict.approved.unknown"), []],
        ]
        for message in published {
            try publisher.send(message)
        }
        try publisher.send([bytes("sync"), bytes("end")])

        var delivered: [[[UInt8]]] = []
        while let message = try subscriber.receiveWithin(), message != [bytes("sync"), bytes("end")] {
            if message.first != bytes("sync") {
                delivered.append(message)
            }
        }
        #expect(delivered == [published[0], published[4]])
    }

    @Test func unsubscribingStopsDelivery() throws {
        let context = try ZMQContext()
        let publisher = try context.socket(.pub)
        try publisher.set(.linger, to: 0)
        let endpoint = try publisher.bindLoopback()
        let subscriber = try context.socket(.sub)
        try subscriber.subscribe("verdict.")
        try subscriber.subscribe("sync")
        try subscriber.connect(endpoint)
        try #require(try synchronize(publisher, subscriber))

        try subscriber.unsubscribe("verdict.")
        try subscriber.unsubscribe("sync")
        try subscriber.subscribe("sync2")
        try #require(try synchronize(publisher, subscriber, topic: "sync2"))
        try publisher.send([bytes("verdict.rejected.it"), bytes("x")])
        try publisher.send([bytes("sync2"), bytes("end")])
        var delivered: [[[UInt8]]] = []
        while let message = try subscriber.receiveWithin(), message != [bytes("sync2"), bytes("end")] {
            if message.first != bytes("sync2") {
                delivered.append(message)
            }
        }
        #expect(delivered.isEmpty)
    }

    /// Publishes `topic` until the subscriber receives one, polling (not sleeping) between attempts.
    private func synchronize(_ publisher: ZMQSocket, _ subscriber: ZMQSocket, topic: String = "sync") throws -> Bool {
        for _ in 0..<1_000 {
            try publisher.send([bytes(topic), []])
            if let message = try subscriber.receiveWithin(milliseconds: 10), message.first == bytes(topic) {
                return true
            }
        }
        return false
    }
}
