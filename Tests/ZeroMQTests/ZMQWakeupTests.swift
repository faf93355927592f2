import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct ZMQWakeupTests {
    @Test func aWakeFromAnotherThreadEndsABlockedPoll() throws {
        let wakeup = try ZMQWakeup()
        var poller = ZMQPoller()
        let token = poller.add(wakeup)
        #expect(try poller.poll(timeoutMilliseconds: 0).isEmpty)

        let waker = Background { wakeup.wake() }
        let result = try poller.poll(timeoutMilliseconds: 30_000)
        #expect(result.isReadable(token))
        #expect(waker.wait())
    }

    @Test func wakesCoalesceUntilDrained() throws {
        let wakeup = try ZMQWakeup()
        var poller = ZMQPoller()
        let token = poller.add(wakeup)
        for _ in 0..<100_000 {
            wakeup.wake()
        }
        #expect(try poller.poll(timeoutMilliseconds: 0).isReadable(token))
        wakeup.drain()
        #expect(try poller.poll(timeoutMilliseconds: 0).isEmpty)
        wakeup.drain()
        wakeup.wake()
        #expect(try poller.poll(timeoutMilliseconds: 0).isReadable(token))
    }

    @Test func theCommandQueueDeliversEveryCommandInPostingOrderPerThread() throws {
        let queue = try ZMQCommandQueue<(sender: Int, sequence: Int)>()
        var poller = ZMQPoller()
        let token = poller.add(queue.wakeup)
        let senders = 4
        let perSender = 2_000

        let posters = (0..<senders).map { sender in
            Background {
                for sequence in 0..<perSender {
                    queue.post((sender, sequence))
                }
            }
        }

        var next = Array(repeating: 0, count: senders)
        var received = 0
        while received < senders * perSender {
            let result = try poller.poll(timeoutMilliseconds: 10_000)
            try #require(result.isReadable(token))
            for command in queue.drain() {
                #expect(command.sequence == next[command.sender])
                next[command.sender] = command.sequence + 1
                received += 1
            }
        }
        #expect(posters.allSatisfy { $0.wait() })
        #expect(next == Array(repeating: perSender, count: senders))
        #expect(queue.drain().isEmpty)
    }

    @Test func aSocketOwningThreadSendsWhatOtherThreadsPost() throws {
        enum Command: Sendable {
            case send(String)
            case stop
        }
        let context = try ZMQContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://owned")
        let queue = try ZMQCommandQueue<Command>()

        let owner = Background {
            do {
                let push = try context.socket(.push)
                try push.connect("inproc://owned")
                var poller = ZMQPoller()
                let commands = poller.add(queue.wakeup)
                loop: while true {
                    guard try poller.poll(timeoutMilliseconds: -1).isReadable(commands) else { continue }
                    for command in queue.drain() {
                        switch command {
                        case .send(let text): try push.send([Array(text.utf8)])
                        case .stop: break loop
                        }
                    }
                }
            } catch {
                Issue.record("owner thread failed: \(error)")
            }
        }
        queue.post(.send("a"))
        queue.post(.send("b"))
        #expect(try pull.receiveWithin() == [bytes("a")])
        #expect(try pull.receiveWithin() == [bytes("b")])
        queue.post(.stop)
        #expect(owner.wait())
    }
}
