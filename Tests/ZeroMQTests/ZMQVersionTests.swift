import Testing
import ZeroMQ

struct ZMQVersionTests {
    @Test func linkedLibzmqIsAtLeast4_3() {
        #expect(ZMQ.version >= ZMQVersion(major: 4, minor: 3, patch: 0))
    }

    @Test func versionsOrderByMajorMinorPatch() {
        #expect(ZMQVersion(major: 4, minor: 3, patch: 4) < ZMQVersion(major: 4, minor: 3, patch: 5))
        #expect(ZMQVersion(major: 4, minor: 3, patch: 9) < ZMQVersion(major: 4, minor: 4, patch: 0))
        #expect(ZMQVersion(major: 4, minor: 3, patch: 4).description == "4.3.4")
    }
}
