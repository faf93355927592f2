import Dashboard
import Journal
import RulesEngine
import Testing

struct ScreeningJSONTests {
    @Test func aSummaryCarriesTheRequestsOwnTextUnchangedAndNoBody() throws {
        let hostile = #"<script>alert("x")</script> & IT"#
        let summary = ScreeningJSON.summary(record("r-1", department: hostile, tool: "<b>Tool</b>", verdict: "rejected"))
        #expect(summary["department"] == .string(hostile), "escaping is the page's job (textContent); the API keeps the text")
        #expect(summary["tool"] == .string("<b>Tool</b>"))
        #expect(summary["verdict"] == .string("rejected"))
        #expect(summary["packs"] == .array([.object([("id", .string("gdpr")), ("version", .string("1.0.0")), ("verdict", .string("rejected"))])]))
        let keys = try #require({ if case .object(let m) = summary { m.map(\.0) } else { nil } }())
        #expect(keys == ["request_id", "received_at", "completed_at", "department", "tool", "verdict", "provisional", "packs"])
    }

    @Test func anUnfinishedScreeningHasNullVerdictAndTimes() {
        let summary = ScreeningJSON.summary(record("r-2", verdict: nil))
        #expect(summary["verdict"] == .null)
        #expect(summary["completed_at"] == .null)
        #expect(summary["packs"] == .array([]))
    }

    @Test func aProvisionalAnswerIsShownAsSuch() {
        let summary = ScreeningJSON.summary(record("r-3", verdict: "needs-review", provisional: true))
        #expect(summary["verdict"] == .string("needs-review"))
        #expect(summary["provisional"] == .bool(true))
    }

    @Test func theDetailHasTheResultButNotTheRequestBody() throws {
        let detail = ScreeningJSON.detail(record("r-4", tool: "Tool"))
        #expect(detail["result"]?["verdict"] == .string("approved"))
        #expect(detail["purpose"] == .string("p"))
        #expect(detail["pack_revisions"] == .array([.object([
            ("id", .string("gdpr")), ("version", .string("1.0.0")), ("digest", .string("sha256:x")), ("judged_by", .null),
        ])]))
        #expect(detail["body"] == nil)
        #expect(!JSONWriter.string(detail).contains(#""request_id":"r-4","tool""#), "the body is never copied in")
    }

    @Test func aLiveEventTakesDepartmentAndToolFromTheJournalElseTheTopic() throws {
        let message = try FeedMessage(
            topic: Array("verdict.approved.børn-og-unge".utf8),
            body: Array(#"{"request_id":"r-5","verdict":"approved","packs":{},"conditions":[],"errors":[],"seq":4,"published_at":"2026-11-27T10:00:01.000Z","run_id":"ab"}"#.utf8))
        let alone = ScreeningJSON.live(message, acceptance: nil)
        #expect(alone["department"] == .string("børn-og-unge"))
        #expect(alone["tool"] == .null)
        #expect(alone["seq"] == .int(4))
        let journaled = record("r-5", department: "Børn og Unge", tool: "Chat")
        let acceptance = JournalAcceptance(sequence: journaled.sequence, request: journaled.request, answeredAt: journaled.shown?.completedAt)
        let enriched = ScreeningJSON.live(message, acceptance: acceptance)
        #expect(enriched["department"] == .string("Børn og Unge"))
        #expect(enriched["tool"] == .string("Chat"))
        #expect(enriched["received_at"] == .string("2026-11-27T10:00:00.000Z"))
        #expect(enriched["completed_at"] == journaled.shown.map { .string($0.completedAt.description) })
    }
}

struct ScreeningCountsTests {
    @Test func countsByVerdictAndDepartmentWithEveryVerdictListed() throws {
        let records = [
            record("a", department: "IT", verdict: "approved"), record("b", department: "IT", verdict: "rejected"),
            record("c", department: "HR", verdict: "rejected"), record("d", department: nil, verdict: nil),
        ]
        let json = ScreeningCounts.json(records, truncated: true)
        #expect(json["total"] == .int(4))
        #expect(JSONWriter.string(json["by_verdict"] ?? .null) == #"{"approved":1,"approved-with-conditions":0,"needs-review":0,"rejected":2,"unfinished":1}"#)
        guard case .array(let rows)? = json["by_department"] else { Issue.record("no rows"); return }
        #expect(rows.map { $0["department"] } == [.string("IT"), .null, .string("HR")], "by total, then by name")
        #expect(rows.first?["department"] == .string("IT"))
        #expect(rows.first?["total"] == .int(2))
        #expect(rows.first?["by_verdict"]?["rejected"] == .int(1))
        #expect(json["truncated"] == .bool(true))
    }
}

struct ConditionCalendarTests {
    static func result(_ conditions: String) -> String {
        #"{"request_id":"x","verdict":"approved-with-conditions","packs":{},"conditions":[\#(conditions)],"errors":[]}"#
    }

    @Test func conditionsFromTodayOnEarliestFirstWithTheToolThatOwesThem() {
        let records = [
            record("new", tool: "Chat", verdict: "approved-with-conditions", result: Self.result(
                #"{"packs":["ai-act"],"key":"literacy","da":"Uddan","en":"Train","applies_from":"2027-02-02","status":"upcoming"},"#
                    + #"{"packs":["gdpr"],"key":"dpia","da":"Lav DPIA","en":"Do a DPIA","applies_from":"2025-01-01","status":"due"}"#)),
            record("other", tool: "Scan", verdict: "approved-with-conditions", result: Self.result(
                #"{"packs":["workplace","ai-act"],"key":"inform","da":"Informér","en":"Inform","applies_from":"2026-12-24","status":"upcoming"}"#)),
            record("old", tool: "Chat", verdict: "approved-with-conditions", result: Self.result(
                #"{"packs":["ai-act"],"key":"stale","da":"-","en":"-","applies_from":"2027-01-01","status":"upcoming"}"#)),
        ]
        let entries = ConditionCalendar.entries(records, from: "2026-12-01")
        #expect(entries.map(\.key) == ["inform", "literacy"], "due before from is left out; the older screening of Chat is superseded")
        #expect(entries.first?.tool == "Scan")
        #expect(entries.first?.packs == ["workplace", "ai-act"])
        #expect(entries.last?.requestID == "new")
        #expect(ConditionCalendar.entries(records, from: nil).count == 3)
    }
}
