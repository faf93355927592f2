import Journal
import Testing

struct JournalTimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_772_356_502_125), "2026-03-01T09:15:02.125Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
    ])
    func timestampsAreRFC3339UTCWithMilliseconds(milliseconds: Int64, text: String) {
        let timestamp = JournalTimestamp(millisecondsSince1970: milliseconds)
        #expect(timestamp.description == text)
        #expect(JournalTimestamp(rfc3339: text) == timestamp)
    }

    @Test(arguments: [
        "2026-02-30T00:00:00.000Z", "2026-03-01T09:15:02Z", "2026-03-01 09:15:02.125Z", "", "2026-13-01T00:00:00.000Z",
    ])
    func malformedTimestampsAreRejected(text: String) {
        #expect(JournalTimestamp(rfc3339: text) == nil)
    }

    @Test func daysParseToMidnightUTC() {
        #expect(JournalTimestamp(day: "2026-03-01")?.description == "2026-03-01T00:00:00.000Z")
        #expect(JournalTimestamp(day: "2026-3-1") == nil)
    }
}
