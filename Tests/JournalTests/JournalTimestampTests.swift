import Foundation
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
        "2026-02-30T00:00:00.000Z", "2026-02-29T00:00:00.000Z", "1900-02-29T00:00:00.000Z", "2100-02-29T12:00:00.000Z",
        "2026-04-31T00:00:00.000Z", "2026-03-00T00:00:00.000Z", "2026-03-01T24:00:00.000Z", "2026-03-01T09:60:00.000Z",
        "2026-03-01T09:15:02.12xZ", "2026-03-01T09:15:02Z", "2026-03-01 09:15:02.125Z", "", "2026-13-01T00:00:00.000Z",
    ])
    func malformedTimestampsAreRejected(text: String) {
        #expect(JournalTimestamp(rfc3339: text) == nil)
    }

    @Test func leapDaysOfLeapYearsParse() {
        for year in ["2024", "2000", "1600"] {
            #expect(JournalTimestamp(rfc3339: year + "-02-29T23:59:59.999Z")?.description == year + "-02-29T23:59:59.999Z")
        }
    }

    /// Against Foundation's own formatter, as an independent reference, over instants spread across four centuries.
    @Test func randomInstantsReadAndWriteAsFoundationFormatsThem() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)  // 1900–2200
            let timestamp = JournalTimestamp(millisecondsSince1970: milliseconds)
            #expect(timestamp.description == formatter.string(from: timestamp.date), "\(milliseconds)")
            #expect(JournalTimestamp(rfc3339: timestamp.description) == timestamp)
        }
    }

    @Test func daysParseToMidnightUTC() {
        #expect(JournalTimestamp(day: "2026-03-01")?.description == "2026-03-01T00:00:00.000Z")
        #expect(JournalTimestamp(day: "2026-3-1") == nil)
    }
}
