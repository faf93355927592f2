import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct ZMQPollerTests {
    @Test func aPollThatTimesOutReturnsAnEmptyResult() throws {
        let context = try ZMQContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://quiet")
        let wakeup = try ZMQWakeup()
        var poller = ZMQPoller()
        let socketToken = poller.add(pull)
        let wakeToken = poller.add(wakeup)
        #expect(poller.count == 2)

        let clock = ContinuousClock()
        let start = clock.now
        let result = try poller.poll(timeoutMilliseconds: 50)
        #expect(clock.now - start >= .milliseconds(40))
        #expect(result.isEmpty)
        #expect(result.readable.isEmpty)
        #expect(!result.isReadable(socketToken))
        #expect(result.events(for: wakeToken).isEmpty)
    }

    @Test func pollReportsWhichSocketsAndDescriptorsAreReadable() throws {
        let context = try ZMQContext()
        let quiet = try context.socket(.pull)
        try quiet.bind("inproc://quiet")
        let busy = try context.socket(.pull)
        try busy.bind("inproc://busy")
        let push = try context.socket(.push)
        try push.connect("inproc://busy")
        let wakeup = try ZMQWakeup()

        var poller = ZMQPoller()
        let quietToken = poller.add(quiet)
        let busyToken = poller.add(busy)
        let wakeToken = poller.add(fileDescriptor: wakeup.fileDescriptor)

        try push.send([bytes("job")])
        let first = try poller.poll(timeoutMilliseconds: 5_000)
        #expect(first.readable == [busyToken])

        wakeup.wake()
        let second = try poller.poll(timeoutMilliseconds: 5_000)
        #expect(second.readable == [busyToken, wakeToken])
        #expect(!second.isReadable(quietToken))
        #expect(try busy.receiveMultipart(flags: .dontWait) == [bytes("job")])
        wakeup.drain()
        #expect(try poller.poll(timeoutMilliseconds: 0).isEmpty)
    }

    @Test func pollingAClosedSocketThrowsNotSocket() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.pull)
        var poller = ZMQPoller()
        _ = poller.add(socket)
        socket.close()
        let error = #expect(throws: ZMQError.self) { try poller.poll(timeoutMilliseconds: 0) }
        #expect(error.map { ZMQError.notSocket ~= $0 } == true)
    }
}
