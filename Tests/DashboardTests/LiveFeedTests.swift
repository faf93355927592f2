import Dashboard
import Journal
import Testing

struct FeedMessageTests {
    @Test(arguments: [
        ("verdict.approved.it", #"{"verdict":"approved","seq":1,"published_at":"2026-11-27T10:00:01.000Z","run_id":"ab"}"#, "request_id"),
        ("verdict.approved.it", #"{"request_id":"r","verdict":"approved","published_at":"2026-11-27T10:00:01.000Z","run_id":"ab"}"#, "seq"),
        ("verdict.approved.it", #"{"request_id":"r","verdict":"approved","seq":1,"published_at":"yesterday","run_id":"ab"}"#, "published_at"),
        ("verdict.approved.it", #"{"request_id":"r","verdict":"approved","seq":1,"published_at":"2026-11-27T10:00:01.000Z"}"#, "run_id"),
        ("status.it", #"{}"#, "topic"), ("verdict.approved.it", "not json", "JSON"),
    ])
    func anUnreadableMessageSaysWhatIsMissing(topic: String, body: String, missing: String) {
        let error = #expect(throws: FeedMessageError.self) { try FeedMessage(topic: Array(topic.utf8), body: Array(body.utf8)) }
        #expect(error?.reason.contains(missing) == true, "\(String(describing: error))")
    }
}

struct ResumePlanTests {
    static let t = JournalTimestamp(rfc3339: "2026-11-27T10:00:00.000Z") ?? JournalTimestamp(millisecondsSince1970: 0)

    @Test func anEventIDRoundTrips() {
        let id = EventID(runID: "0af3", seq: 42, publishedAt: Self.t)
        #expect(id.description == "0af3/42/2026-11-27T10:00:00.000Z")
        #expect(EventID(id.description) == id)
        #expect(EventID("42") == nil)
        #expect(EventID("zz/1/2026-11-27T10:00:00.000Z") == nil)
    }

    @Test func sameRunWithinWhatIsHeldReplays() {
        let last = EventID(runID: "ab", seq: 10, publishedAt: Self.t).description
        #expect(ResumePlan.plan(lastEventID: last, run: "ab", held: 5...20) == .replay(afterSeq: 10))
        #expect(ResumePlan.plan(lastEventID: last, run: "ab", held: 11...20) == .replay(afterSeq: 10), "the next one is held: no gap")
        #expect(ResumePlan.plan(lastEventID: last, run: "ab", held: nil) == .replay(afterSeq: 10))
    }

    @Test func anOlderEventOrAnotherRunFillsFromTheJournal() {
        let last = EventID(runID: "ab", seq: 10, publishedAt: Self.t).description
        #expect(ResumePlan.plan(lastEventID: last, run: "ab", held: 12...20) == .journal(since: Self.t))
        #expect(ResumePlan.plan(lastEventID: last, run: "cd", held: 1...3) == .journal(since: Self.t))
        #expect(ResumePlan.plan(lastEventID: last, run: nil, held: nil) == .journal(since: Self.t))
    }

    @Test func noOrAnUnreadableIDIsLive() {
        #expect(ResumePlan.plan(lastEventID: nil, run: "ab", held: 1...3) == .live)
        #expect(ResumePlan.plan(lastEventID: "garbage", run: "ab", held: 1...3) == .live)
    }
}

struct LiveFeedTests {
    static func id(_ seq: UInt64, run: String = "ab") -> EventID {
        EventID(runID: run, seq: seq, publishedAt: ResumePlanTests.t.adding(days: 0).advanced(seconds: Int64(seq)))
    }

    static func seqs(_ events: [LiveEvent]) -> [UInt64] {
        events.compactMap { if case .verdict(let id, _, _) = $0 { id.seq } else { nil } }
    }

    @Test func aReconnectWithinTheRunGetsEveryLaterMessageOnceThenLiveOnes() async {
        let feed = LiveFeed(capacity: 8)
        for seq: UInt64 in 1...5 { feed.publish(id: Self.id(seq), requestID: "r\(seq)", data: "{}") }
        let (plan, held, stream) = feed.subscribe(lastEventID: Self.id(2).description)
        #expect(plan == .replay(afterSeq: 2))
        #expect(Self.seqs(held) == [3, 4, 5])
        feed.publish(id: Self.id(6), requestID: "r6", data: "{}")
        feed.close()
        var live: [LiveEvent] = []
        for await event in stream { live.append(event) }
        #expect(Self.seqs(live) == [6])
    }

    @Test func messagesPublishedTogetherReachAClientAsOneWriteAndAreHeldOneByOne() async {
        let feed = LiveFeed(capacity: 8)
        let (_, _, stream) = feed.subscribe(lastEventID: nil)
        let missed = feed.publish([(Self.id(1), "r1", "{\"a\":1}"), (Self.id(2), "r2", "{}"), (Self.id(4), "r4", "{}")])
        #expect(missed == [0, 0, 1])
        #expect(feed.counts.received == 3 && feed.counts.missed == 1)
        feed.close()
        var live: [LiveEvent] = []
        for await event in stream { live.append(event) }
        #expect(live.count == 1, "one batch")
        guard case .batch(let events)? = live.first else {
            Issue.record("not a batch: \(live)")
            return
        }
        #expect(Self.seqs(events) == [1, 2, 4])
        #expect(live.first?.text == events.map(\.text).joined())
        let (_, replay, _) = feed.subscribe(lastEventID: Self.id(1).description)
        #expect(Self.seqs(replay) == [2, 4], "held one by one for a resume")
    }

    @Test func theRingKeepsTheNewestAndCountsGapsAndNewRuns() {
        let feed = LiveFeed(capacity: 3)
        for seq: UInt64 in [1, 2, 3, 4, 7] { feed.publish(id: Self.id(seq), requestID: "r", data: "{}") }
        #expect(feed.counts.received == 5)
        #expect(feed.counts.missed == 2)
        let (plan, held, _) = feed.subscribe(lastEventID: Self.id(1).description)
        #expect(plan == .journal(since: Self.id(1).publishedAt), "seq 2 is no longer held")
        #expect(Self.seqs(held) == [3, 4, 7])
        #expect(feed.publish(id: Self.id(3, run: "cd"), requestID: "r", data: "{}") == 2, "a new run's first two messages were missed")
    }

    @Test func aClientThatFallsBehindIsDisconnectedNotSkipped() async {
        let feed = LiveFeed(capacity: 8, clientBuffer: 2)
        let (_, _, stream) = feed.subscribe(lastEventID: nil)
        for seq in 1...3 { feed.publish(id: Self.id(UInt64(seq)), requestID: "r", data: "{}") }
        var got: [LiveEvent] = []
        for await event in stream { got.append(event) }  // ends: the third event did not fit
        #expect(Self.seqs(got) == [1, 2])
        #expect(feed.clientCount == 0)
    }

    @Test func theEventTextIsOneSSEEvent() {
        let event = LiveEvent.verdict(id: Self.id(9), requestID: "r", data: #"{"a":1}"#)
        #expect(event.text == "event: verdict\nid: ab/9/\(Self.id(9).publishedAt)\ndata: {\"a\":1}\n\n")
        #expect(LiveEvent.filled(data: "{}").text == "event: verdict\ndata: {}\n\n")
    }
}

extension JournalTimestamp {
    func advanced(seconds: Int64) -> JournalTimestamp { JournalTimestamp(millisecondsSince1970: millisecondsSince1970 + seconds * 1000) }
}
