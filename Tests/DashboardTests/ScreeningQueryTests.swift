import Dashboard
import Journal
import Testing

struct ScreeningQueryTests {
    @Test func everyParameterBecomesItsFilter() throws {
        let filter = try ScreeningQuery.filter([
            "verdict": "rejected", "department": "Børn og Unge", "since": "2026-11-01", "until": "2026-11-30", "pack": "gdpr@1.2.0", "limit": "7",
        ])
        #expect(filter.verdict == "rejected")
        #expect(filter.department == "Børn og Unge")
        #expect(filter.receivedFrom == JournalTimestamp(day: "2026-11-01"))
        #expect(filter.receivedBefore == JournalTimestamp(day: "2026-12-01"), "until includes its day")
        #expect(filter.packID == "gdpr")
        #expect(filter.packVersion == "1.2.0")
        #expect(filter.limit == 7)
    }

    @Test func anEmptyQueryIsTheNewestFifty() throws {
        #expect(try ScreeningQuery.filter([:]) == HistoryFilter(limit: 50))
    }

    @Test(arguments: [
        (["verdict": "ok"], "verdict"), (["since": "27-11-2026"], "since"), (["until": "2026-02-30"], "until"),
        (["since": "2026-11-02", "until": "2026-11-01"], "until"), (["pack": "@1.0"], "pack"), (["pack": "gdpr@"], "pack"),
        (["limit": "0"], "limit"), (["limit": "501"], "limit"), (["limit": "ten"], "limit"), (["departement": "IT"], "departement"),
        (["department": ""], "department"),
    ])
    func aBadParameterIsNamed(parameters: [String: String], parameter: String) {
        let error = #expect(throws: QueryError.self) { try ScreeningQuery.filter(parameters) }
        #expect(error?.parameter == parameter)
    }

    @Test func anEndpointAcceptsOnlyItsOwnParameters() {
        let error = #expect(throws: QueryError.self) { try ScreeningQuery.filter(["verdict": "approved"], allowed: ["since", "until"]) }
        #expect(error?.parameter == "verdict")
    }
}
