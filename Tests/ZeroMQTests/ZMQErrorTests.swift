import Testing
import ZeroMQ

struct ZMQErrorTests {
    @Test func catchPatternsMatchTheErrorNumberAndIgnoreTheOperation() {
        let thrown = ZMQError(errno: ZMQError.again.errno, operation: "zmq_send")
        var matched = false
        do {
            throw thrown
        } catch ZMQError.hostUnreachable {
            Issue.record("matched the wrong error number")
        } catch ZMQError.again {
            matched = true
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(matched)
    }

    @Test func untypedErrorsMatchOnlyZMQErrorsWithTheSameNumber() {
        struct Other: Error {}
        let again: any Error = ZMQError(errno: ZMQError.again.errno, operation: "zmq_msg_recv")
        #expect(ZMQError.again ~= again)
        #expect(!(ZMQError.terminated ~= again))
        #expect(!(ZMQError.again ~= Other()))
    }

    @Test func descriptionNamesTheOperationAndUsesZmqStrerror() {
        let error = ZMQError(errno: ZMQError.terminated.errno, operation: "zmq_poll")
        #expect(error.reason == "Context was terminated")
        #expect(error.description == "zmq_poll: Context was terminated (errno \(error.errno))")
        #expect(ZMQError.again.description.hasPrefix("Resource temporarily unavailable"))
    }

    @Test func equalityIncludesTheOperation() {
        #expect(ZMQError(errno: 1, operation: "a") != ZMQError(errno: 1, operation: "b"))
        #expect(Set([ZMQError(errno: 1, operation: "a"), ZMQError(errno: 1, operation: "a")]).count == 1)
    }
}
