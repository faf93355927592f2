import Testing

@testable import Broker

/// The XPUB subscription messages decide which detail levels the broker sends.
struct FeedDemandTests {
    static func message(_ kind: UInt8, _ prefix: String) -> [UInt8] { [kind] + Array(prefix.utf8) }
    static let full = Array("verdict.rejected.it".utf8)
    static let summary = Array("summary.rejected.it".utf8)
    static let family = Array("summary.".utf8)

    @Test func nothingIsWantedUntilSomeoneSubscribes() {
        let demand = FeedDemand()
        #expect(!demand.wants(Self.full) && !demand.wants(Self.summary) && !demand.wantsAny(of: Self.family))
    }

    @Test func aPrefixSelectsItsTopicsUntilItIsUnsubscribed() {
        var demand = FeedDemand()
        let subscribed = demand.apply(Self.message(1, "summary.rejected."))
        #expect(subscribed)
        #expect(demand.wants(Self.summary) && !demand.wants(Self.full))
        #expect(demand.wantsAny(of: Self.family))
        #expect(!demand.wants(Array("summary.approved.it".utf8)))
        let unsubscribed = demand.apply(Self.message(0, "summary.rejected."))
        #expect(unsubscribed)
        #expect(!demand.wants(Self.summary) && !demand.wantsAny(of: Self.family))
    }

    @Test func theEmptyPrefixWantsEverything() {
        var demand = FeedDemand()
        demand.apply(Self.message(1, ""))
        #expect(demand.wants(Self.full) && demand.wants(Self.summary) && demand.wantsAny(of: Self.family))
    }

    @Test func aFullSubscriptionDoesNotAskForSummariesAndNoiseIsIgnored() {
        var demand = FeedDemand()
        demand.apply(Self.message(1, "verdict."))
        let noise = [demand.apply([]), demand.apply([7, 65])]
        #expect(noise == [false, false])
        #expect(demand.wants(Self.full) && !demand.wantsAny(of: Self.family))
        let stranger = demand.apply(Self.message(0, "never-subscribed"))
        #expect(!stranger)
        #expect(demand.prefixes == [Array("verdict.".utf8)])
    }

    @Test func bothMessagesOfOnePublicationCarryOneStamp() throws {
        var publishing = Publishing()
        publishing.stampNext()
        let a = String(decoding: publishing.stamped(Array("{\"a\":1}".utf8)), as: UTF8.self)
        let b = String(decoding: publishing.stamped(Array("{\"b\":2}".utf8)), as: UTF8.self)
        #expect(a.contains("\"seq\":1,") && b.contains("\"seq\":1,"))
        #expect(a.hasSuffix(",\"run_id\":\"\(publishing.runID)\"}") && b.hasSuffix(",\"run_id\":\"\(publishing.runID)\"}"))
        publishing.stampNext()
        #expect(String(decoding: publishing.stamped(Array("{}".utf8)), as: UTF8.self).hasPrefix("{\"seq\":2,"))
    }
}
