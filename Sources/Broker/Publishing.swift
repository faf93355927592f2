import Foundation
import RulesEngine

/// Stamps published verdicts with `seq`, `published_at` and the run id (PROTOCOL.md §6).
struct Publishing {
    var seq: UInt64 = 0
    let runID: String = (0..<32).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
    /// The members ``body(_:)`` added last.
    private(set) var stamp = PublicationStamp(seq: 0, publishedAt: "", runID: "")

    /// Stamps the next publication (one evaluation): `seq` + 1 and the time. Its full and summary messages carry the
    /// same stamp.
    mutating func stampNext() {
        seq += 1
        stamp = PublicationStamp(seq: seq, publishedAt: Self.timestamp(), runID: runID)
    }

    /// Stamps the next publication and returns `result` with it (``stampNext()`` then ``stamped(_:)``).
    mutating func body(_ result: [UInt8]) -> [UInt8] {
        stampNext()
        return stamped(result)
    }

    /// The rendered object with the current stamp's three members appended: the same bytes as rendering the object
    /// with them as its last members, without rendering it again.
    func stamped(_ result: [UInt8]) -> [UInt8] {
        guard result.first == UInt8(ascii: "{"), result.last == UInt8(ascii: "}") else { return [] }
        var writer = JSONWriter(capacity: result.count + 128)
        writer.writeRaw(result.dropLast())
        if result.count > 2 { writer.writeRaw([UInt8(ascii: ",")]) }
        writer.writeString("seq")
        writer.writeRaw([UInt8(ascii: ":")])
        writer.write(.int(Int64(stamp.seq)))
        for (key, value) in [("published_at", stamp.publishedAt), ("run_id", runID)] {
            writer.writeRaw([UInt8(ascii: ",")])
            writer.writeString(key)
            writer.writeRaw([UInt8(ascii: ":")])
            writer.writeString(value)
        }
        writer.writeRaw([UInt8(ascii: "}")])
        return writer.bytes
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-27T14:05:09.123Z`.
    static func timestamp() -> String {
        let milliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        let day = Day(daysSinceEpoch: Int32(milliseconds / 86_400_000))
        let inDay = Int(milliseconds % 86_400_000)
        func pad(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        return "\(day)T\(pad(inDay / 3_600_000, 2)):\(pad(inDay / 60_000 % 60, 2)):\(pad(inDay / 1000 % 60, 2)).\(pad(inDay % 1000, 3))Z"
    }
}
