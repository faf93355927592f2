import Foundation
import Testing

@testable import Broker
import RulesEngine

/// The broker's in-process verdict feed: bounded, in order, nothing kept while nobody reads.
struct FeedTapTests {
    /// A message whose request id is `r<n>`.
    static func message(_ n: Int) -> ([UInt8], PublishedVerdict) {
        (Array("verdict.approved.it".utf8), PublishedVerdict(RenderedScreeningResult(requestID: "r\(n)", packs: [], required: [], screeningDate: nil)))
    }

    static func offer(_ tap: FeedTap, _ topic: [UInt8], _ summary: PublishedVerdict) {
        tap.offer(FeedTap.Message(topic: topic, summary: summary, stamp: PublicationStamp(seq: 1, publishedAt: "", runID: "x")))
    }

    @Test func nothingIsKeptUntilAReaderOpensIt() {
        let tap = FeedTap(capacity: 4)
        let (topic, summary) = Self.message(1)
        Self.offer(tap, topic, summary)
        #expect(tap.take(timeout: .milliseconds(10)).isEmpty)
        tap.open()
        Self.offer(tap, topic, summary)
        let taken = tap.take(timeout: .milliseconds(10))
        #expect(taken.map(\.summary) == [summary] && taken.map(\.topic) == [topic])
        #expect(tap.take(timeout: .milliseconds(10)).isEmpty, "a message is taken once")
    }

    @Test func messagesComeInOrderAndPastTheCapacityNewOnesAreDroppedAndCounted() {
        let tap = FeedTap(capacity: 3)
        tap.open()
        for n in 1...5 {
            let (topic, summary) = Self.message(n)
            Self.offer(tap, topic, summary)
        }
        #expect(tap.take(timeout: .zero).map(\.summary.requestID) == ["r1", "r2", "r3"])
        #expect(tap.dropped == 2)
    }

    @Test func aWaitingReaderWakesForTheNextMessage() async throws {
        let tap = FeedTap()
        tap.open()
        let reader = Task.detached { tap.take(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        let (topic, summary) = Self.message(7)
        Self.offer(tap, topic, summary)
        let started = ContinuousClock.now
        let taken = await reader.value
        #expect(taken.map(\.summary) == [summary])
        #expect(ContinuousClock.now - started < .seconds(20), "woken by the message, not the timeout")
        let stopping = Task.detached { tap.take(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        tap.wake()
        #expect(await stopping.value.isEmpty)
    }
}
