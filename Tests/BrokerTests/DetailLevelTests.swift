import Foundation
import Testing
import Wire

@testable import Broker
@testable import RulesEngine

/// `detail=summary` (docs/PROTOCOL.md §4.2, §7.5): the client that asked gets the summary, everyone else and the
/// journal the full result, from one rendering; a cached answer replays at the detail the retry asks for.
struct DetailLevelTests {
    typealias T = BrokerStateMachineTests
    let t = BrokerStateMachineTests()

    static func body(of reply: BrokerReply?) throws -> [UInt8] {
        guard case .final(_, _, let body)? = reply else { throw T.FailedExpectation(description: "expected a FINAL, got \(String(describing: reply))") }
        return body
    }

    static func recordedResult(_ actions: [BrokerStateMachine.Action]) -> [UInt8]? {
        for action in actions {
            if case .record(.completed(_, _, let result, _, _)) = action { return result }
        }
        return nil
    }

    @Test func theWaiterThatAskedGetsTheSummaryTheOtherAndTheJournalTheFullResult() throws {
        var m = t.machine()
        try t.register(&m)
        let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request("d", options: .summaryDetail), now: 0))
        #expect(m.clientMessage(from: t.otherClient, frames: try t.request("d"), now: 0).isEmpty)
        let actions = t.answer(&m, dispatched, ["gdpr": "needs-review"])
        let summary = try Self.body(of: try T.replies(actions, to: t.client).first)
        let full = try Self.body(of: try T.replies(actions, to: t.otherClient).first)
        #expect(Self.recordedResult(actions) == full, "the journal keeps the full result")
        #expect(summary == (try ScreeningSummary(json: full)).bytes)
        let json = try JSONParser().parse(summary)
        #expect(json["detail"] == .string("summary"))
        #expect(json["verdict"] == .string("needs-review"))
        #expect(json["packs"]?["gdpr"]?["rules"] == .array([]))
        #expect(json["packs"]?["gdpr"]?["findings"] == nil)
        #expect((try JSONParser().parse(full))["detail"] == nil)
        let published = actions.compactMap { action -> [UInt8]? in
            if case .publish(_, _, let result, _, _, _) = action { return result }
            return nil
        }
        #expect(published == [full])
    }

    @Test func aPublicationCarriesTheSummaryOnlyWhileSummariesAreSubscribed() throws {
        var m = t.machine()
        try t.register(&m)
        func published(_ id: String) throws -> (topic: [UInt8], summaryTopic: [UInt8], summary: [UInt8]?, full: [UInt8]) {
            let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request(id), now: 0))
            for action in t.answer(&m, dispatched, ["workplace": "rejected"]) {
                if case .publish(let topic, _, let full, let summaryTopic, let summary, _) = action { return (topic, summaryTopic, summary, full) }
            }
            throw T.FailedExpectation(description: "nothing published")
        }
        #expect(try published("quiet").summary == nil)
        m.publishesSummaries = true
        let loud = try published("loud")
        #expect(String(decoding: loud.summaryTopic, as: UTF8.self) == "summary.rejected.sundhed-og-omsorg")
        #expect(String(decoding: loud.topic, as: UTF8.self) == "verdict.rejected.sundhed-og-omsorg")
        #expect(loud.summary == (try ScreeningSummary(json: loud.full)).bytes)
    }

    /// A client that retries while its request is in flight gets one answer, at the detail its latest attempt asks
    /// for (it used to keep the first attempt's).
    @Test(arguments: [(RequestOptions.summaryDetail, RequestOptions.fullDetail), (RequestOptions.fullDetail, RequestOptions.summaryDetail)])
    func aRetryInFlightIsAnsweredAtTheDetailItAsksFor(first: RequestOptions, retry: RequestOptions) throws {
        var m = t.machine()
        try t.register(&m)
        let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request("r", options: first), now: 0))
        #expect(m.clientMessage(from: t.client, frames: try t.request("r", options: retry), now: 1).isEmpty)
        let replies = try T.replies(t.answer(&m, dispatched, ["gdpr": "needs-review"]), to: t.client)
        #expect(replies.count == 1, "one answer for the one client")
        let json = try JSONParser().parse(try Self.body(of: replies.first))
        #expect(json["detail"] == (retry == .summaryDetail ? .string("summary") : nil))
    }

    @Test func aCachedAnswerReplaysAtTheDetailTheRetryAsksFor() throws {
        var m = t.machine()
        try t.register(&m)
        let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request("c"), now: 0))
        let full = try Self.body(of: try T.replies(t.answer(&m, dispatched, ["ai-act": "approved-with-conditions"]), to: t.client).first)
        let summary = try Self.body(of: try T.replies(m.clientMessage(from: t.client, frames: try t.request("c", options: .summaryDetail), now: 5), to: t.client).first)
        #expect(summary == (try ScreeningSummary(json: full)).bytes)
        #expect((try JSONParser().parse(summary))["detail"] == .string("summary"))
        let again = try Self.body(of: try T.replies(m.clientMessage(from: t.client, frames: try t.request("c", options: .fullDetail), now: 6), to: t.client).first)
        #expect(again == full)
        #expect(m.counters.cacheReplays == 2)
        #expect(m.counters.requestsAccepted == 1)
    }

    @Test func summaryPartialsCarryEachPacksSummary() throws {
        var m = t.machine()
        try t.register(&m)
        let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request("p", options: [.partials, .summaryDetail]), now: 0))
        #expect(m.clientMessage(from: t.otherClient, frames: try t.request("p", options: .partials), now: 0).isEmpty)
        let actions = t.answer(&m, dispatched, [:])
        let mine = try T.replies(actions, to: t.client)
        let theirs = try T.replies(actions, to: t.otherClient)
        #expect(mine.count == 4 && theirs.count == 4)
        for reply in mine.dropLast() {
            guard case .partial(_, _, let body) = reply else { throw T.FailedExpectation(description: "\(reply)") }
            let json = try JSONParser().parse(body)
            guard case .object(let members) = json, case .string(let pack)? = json["pack"], case .object(let result)? = json["result"] else {
                throw T.FailedExpectation(description: String(decoding: body, as: UTF8.self))
            }
            #expect(members.map(\.0) == ["request_id", "pack", "detail", "result"])
            #expect(result.map(\.0) == ["pack", "version", "digest", "verdict", "outputs", "rules", "errors"])
            #expect(json["result"]?["pack"] == .string(pack))
        }
        for reply in theirs.dropLast() {
            guard case .partial(_, _, let body) = reply, case .object(let members) = try JSONParser().parse(body) else { continue }
            #expect(members.map(\.0) == ["request_id", "pack", "result"])
        }
        #expect((try JSONParser().parse(try Self.body(of: mine.last)))["detail"] == .string("summary"))
        #expect((try JSONParser().parse(try Self.body(of: theirs.last)))["detail"] == nil)
    }

    @Test func anErrorIsTheSameAtEveryDetail() throws {
        var m = t.machine()
        try t.register(&m)
        let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request("e", service: try .pack("gdpr"), options: .summaryDetail), now: 0))
        let (peer, ticket) = try #require(dispatched.first)
        let actions = m.workerMessage(from: peer, frames: WorkerMessage.error(ticket: ticket, code: .internalError, message: "boom").encode(), now: 1)
        guard case .error(_, _, let code, _)? = try T.replies(actions, to: t.client).first else { throw T.FailedExpectation(description: "no ERROR") }
        #expect(code == .internalError)
    }

    @Test func aSinglePackServiceAnswersTheSummaryOfItsPack() throws {
        var m = t.machine()
        try t.register(&m)
        let dispatched = try T.dispatched(m.clientMessage(from: t.client, frames: try t.request("one", service: try .pack("workplace"), options: .summaryDetail), now: 0))
        #expect(dispatched.count == 1)
        let json = try JSONParser().parse(try Self.body(of: try T.replies(t.answer(&m, dispatched, ["workplace": "rejected"]), to: t.client).first))
        guard case .object(let packs)? = json["packs"] else { throw T.FailedExpectation(description: "\(json)") }
        #expect(packs.map(\.0) == ["workplace"])
        #expect(json["verdict"] == .string("rejected"))
    }
}
