import Foundation
import Testing

@testable import Broker
import RulesEngine

/// The broker's in-process verdict feed: bounded, in order, nothing kept while nobody reads.
struct FeedTapTests {
    static func message(_ n: Int) -> ([UInt8], [UInt8]) { (Array("verdict.approved.it".utf8), Array("{\"seq\":\(n)}".utf8)) }

    static func offer(_ tap: FeedTap, _ topic: [UInt8], _ body: [UInt8]) {
        let summary = PublishedVerdict(RenderedScreeningResult(requestID: "r", packs: [], required: [], screeningDate: nil))
        tap.offer(FeedTap.Message(topic: topic, body: body, summary: summary, stamp: PublicationStamp(seq: 1, publishedAt: "", runID: "x")))
    }

    @Test func nothingIsKeptUntilAReaderOpensIt() {
        let tap = FeedTap(capacity: 4)
        let (topic, body) = Self.message(1)
        Self.offer(tap, topic, body)
        #expect(tap.take(timeout: .milliseconds(10)).isEmpty)
        tap.open()
        Self.offer(tap, topic, body)
        let taken = tap.take(timeout: .milliseconds(10))
        #expect(taken.map(\.body) == [body] && taken.map(\.topic) == [topic])
        #expect(tap.take(timeout: .milliseconds(10)).isEmpty, "a message is taken once")
    }

    @Test func messagesComeInOrderAndPastTheCapacityNewOnesAreDroppedAndCounted() {
        let tap = FeedTap(capacity: 3)
        tap.open()
        for n in 1...5 {
            let (topic, body) = Self.message(n)
            Self.offer(tap, topic, body)
        }
        #expect(tap.take(timeout: .zero).map { String(decoding: $0.body, as: UTF8.self) } == [#"{"seq":1}"#, #"{"seq":2}"#, #"{"seq":3}"#])
        #expect(tap.dropped == 2)
    }

    @Test func aWaitingReaderWakesForTheNextMessage() async throws {
        let tap = FeedTap()
        tap.open()
        let reader = Task.detached { tap.take(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        let (topic, body) = Self.message(7)
        Self.offer(tap, topic, body)
        let started = ContinuousClock.now
        let taken = await reader.value
        #expect(taken.map(\.body) == [body])
        #expect(ContinuousClock.now - started < .seconds(20), "woken by the message, not the timeout")
        let stopping = Task.detached { tap.take(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        tap.wake()
        #expect(await stopping.value.isEmpty)
    }
}
