public import Foundation

/// A wall-clock instant with millisecond precision, written as RFC 3339 UTC with milliseconds
/// (`2026-03-01T09:15:02.125Z`): the form the journal stores, so times sort as text and read the same in `sqlite3`.
///
/// Formatting is done by hand (days-from-civil arithmetic), not with a locale-aware formatter: it is cheap enough for
/// the broker's I/O thread and gives the same text on every platform.
public struct JournalTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    /// - Parameter millisecondsSince1970: milliseconds since 1970-01-01T00:00:00Z.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// The instant `date`, truncated to the millisecond.
    public init(_ date: Date) {
        millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The current time.
    public static func now() -> JournalTimestamp { JournalTimestamp(Date()) }

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), written into one buffer (no string per part: every journal entry has one).
    public var description: String {
        let (days, milliseconds) = millisecondsSince1970.floorDivided(by: 86_400_000)
        let (year, month, day) = Self.civil(fromDays: days)
        guard (0...9999).contains(year) else {
            // Outside the four-digit years no journal writes: the plain way, for completeness.
            let seconds = milliseconds / 1000
            return Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) + "T"
                + Self.pad(seconds / 3600, 2) + ":" + Self.pad(seconds / 60 % 60, 2) + ":" + Self.pad(seconds % 60, 2)
                + "." + Self.pad(milliseconds % 1000, 3) + "Z"
        }
        let seconds = milliseconds / 1000
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int64, _ width: Int, at offset: Int) {
                var v = value
                for i in stride(from: offset + width - 1, through: offset, by: -1) {
                    out[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0)
            put(month, 2, at: 5)
            put(day, 2, at: 8)
            put(seconds / 3600, 2, at: 11)
            put(seconds / 60 % 60, 2, at: 14)
            put(seconds % 60, 2, at: 17)
            put(milliseconds % 1000, 3, at: 20)
            (out[4], out[7], out[10], out[13], out[16], out[19], out[23]) = (45, 45, 84, 58, 58, 46, 90)  // - - T : : . Z
            return 24
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS.mmmZ` exactly as ``description`` writes it; nil for anything else.
    public init?(rfc3339 text: String) {
        var text = text
        guard let milliseconds = text.withUTF8({ Self.parse($0) }) else { return nil }
        millisecondsSince1970 = milliseconds
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int64(b[i] - 48)
            }
            return value
        }
        guard b.count == 24, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 46, b[23] == 90,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16),
            let second = number(17..<19), let milli = number(20..<23),
            (1...12).contains(month), day >= 1, day <= daysIn(month, of: year), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        return (days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + milli
    }

    private static func daysIn(_ month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Midnight UTC at the start of `YYYY-MM-DD`; nil when `text` is not such a date.
    public init?(day text: String) {
        self.init(rfc3339: text + "T00:00:00.000Z")
    }

    /// This instant moved by `days` days.
    public func adding(days: Int) -> JournalTimestamp {
        JournalTimestamp(millisecondsSince1970: millisecondsSince1970 + Int64(days) * 86_400_000)
    }

    public static func < (lhs: JournalTimestamp, rhs: JournalTimestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    // Howard Hinnant's civil_from_days / days_from_civil (proleptic Gregorian calendar).
    private static func civil(fromDays z: Int64) -> (Int64, Int64, Int64) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let quotient = self >= 0 ? self / divisor : (self - divisor + 1) / divisor
        return (quotient, self - quotient * divisor)
    }
}
