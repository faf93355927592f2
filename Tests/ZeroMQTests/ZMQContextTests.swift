import Dispatch
import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct ZMQContextTests {
    @Test func closingWithLingerZeroDoesNotHangTermination() throws {
        let context = try ZMQContext()
        let endpoint = try context.withSocket(.router) { probe in
            try probe.bindLoopback()
        }
        let dealer = try context.socket(.dealer)
        try dealer.set(.linger, to: 0)
        try dealer.connect(endpoint)
        try dealer.send([bytes("never delivered")])
        dealer.close()

        let termination = Background { context.terminate() }
        #expect(termination.wait())
    }

    @Test func terminationWithEverySocketClosedReturns() throws {
        let context = try ZMQContext(ioThreads: 2)
        do {
            let router = try context.socket(.router)
            let dealer = try context.socket(.dealer)
            try dealer.set(.routingID, to: bytes("d"))
            try dealer.connect(try router.bindLoopback())
            try dealer.send([bytes("hi")])
            #expect(try router.receiveWithin() == [bytes("d"), bytes("hi")])
            router.close()
            dealer.close()
        }
        context.shutdown()
        let termination = Background { context.terminate() }
        #expect(termination.wait())
        context.terminate()
    }

    @Test func shutdownWakesABlockedReceiveInAnotherThread() throws {
        let context = try ZMQContext()
        let listening = DispatchSemaphore(value: 0)
        let outcome = Locked<ZMQError?>(nil)
        let owner = Background {
            do {
                let pull = try context.socket(.pull)
                try pull.set(.linger, to: 0)
                try pull.bind("inproc://blocked")
                listening.signal()
                _ = try pull.receiveMultipart()
                Issue.record("receive returned without a message")
            } catch let error as ZMQError {
                outcome.update { $0 = error }
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(listening.wait(timeout: .now() + 10) == .success)
        context.shutdown()
        #expect(owner.wait())
        #expect(outcome.value.map { ZMQError.terminated ~= $0 } == true)

        let creation = #expect(throws: ZMQError.self) { try context.socket(.pair) }
        #expect(creation.map { ZMQError.terminated ~= $0 } == true)
        let termination = Background { context.terminate() }
        #expect(termination.wait())
    }

    @Test func withSocketClosesTheSocketWhenTheBodyThrows() throws {
        struct Failure: Error {}
        let context = try ZMQContext()
        #expect(throws: Failure.self) {
            try context.withSocket(.push) { push in
                try push.connect("tcp://127.0.0.1:1")
                throw Failure()
            }
        }
        let termination = Background { context.terminate() }
        #expect(termination.wait())
    }

    @Test func anInvalidContextOptionThrows() {
        #expect(throws: ZMQError.self) { try ZMQContext(ioThreads: -1) }
    }
}
