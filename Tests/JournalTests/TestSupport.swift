import Foundation
import GRDB
import Journal

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Runs `body` with a new journal in a temporary directory.
func withJournal<T>(options: JournalOptions = JournalOptions(), _ body: (Journal, String) throws -> T) throws -> T {
    try withTemporaryDirectory { dir in
        let path = dir + "/journal.sqlite"
        let journal = try Journal(path: path, options: options)
        return try body(journal, path)
    }
}

/// A fixed instant plus `seconds`.
func time(_ seconds: Int64, day: String = "2026-03-01") -> JournalTimestamp {
    // A fixture day: always valid.
    let start = JournalTimestamp(day: day) ?? JournalTimestamp(millisecondsSince1970: 0)
    return JournalTimestamp(millisecondsSince1970: start.millisecondsSince1970 + seconds * 1000)
}

/// A request whose body is JSON text with odd spacing (so "exact bytes" means something).
func request(
    _ id: String, department: String? = "IT", at: JournalTimestamp = time(0), body: String? = nil
) -> AcceptedRequest {
    let text = body ?? "{ \"request_id\" : \"\(id)\",\n  \"tool\": {\"name\": \"Tool \(id)\"}, \"staff\": 12 }"
    return AcceptedRequest(
        requestID: id, service: "screen", body: Array(text.utf8), receivedAt: at, principal: "0a1b2c",
        department: department)
}

/// A completion with three packs.
func completion(
    _ id: String, verdict: String = "approved", at: JournalTimestamp = time(5), gdprVersion: String = "1.2.0"
) -> CompletedScreening {
    CompletedScreening(
        requestID: id, verdict: verdict,
        result: Array("{\"request_id\":\"\(id)\",\"verdict\":\"\(verdict)\",\"packs\":{}}  ".utf8),
        packs: [
            PackRevision(id: "workplace", version: "0.9.0", digest: "d3"),
            PackRevision(id: "gdpr", version: gdprVersion, digest: "d2"),
            PackRevision(id: "ai-act", version: "2.0.0", digest: "d1"),
        ],
        completedAt: at)
}

/// Changes the journal file behind the journal's back, as someone with `sqlite3` would.
func tamper(_ path: String, _ sql: String) throws {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = false
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
    try queue.close()
}

/// Accepts and completes `ids` in one batch each.
func screen(_ journal: Journal, _ ids: [String]) throws {
    try journal.commit(ids.map { .accepted(request($0)) })
    try journal.commit(ids.map { .completed(completion($0)) })
}
